package dev.tempdb.core.sink;

/**
 * Where a sink put the credentials, as recorded in status.
 *
 * @param name the secret's name, e.g. a Kubernetes Secret name or an AWS secret name
 * @param arn the AWS ARN, or null where there is none
 */
public record PublishedSecret(String name, String arn) {}
