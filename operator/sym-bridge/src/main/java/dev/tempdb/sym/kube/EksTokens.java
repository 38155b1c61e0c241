package dev.tempdb.sym.kube;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * EKS bearer tokens, made the way {@code aws eks get-token} and aws-iam-authenticator make them: a
 * SigV4 presigned STS {@code GetCallerIdentity} URL that also signs the {@code x-k8s-aws-id} header
 * naming the cluster, base64url-encoded behind {@code k8s-aws-v1.}. EKS calls STS with it to learn
 * the caller's IAM role, so the token proves the role without sharing any key; STS is never called
 * from here.
 */
public final class EksTokens {
  public static final String PREFIX = "k8s-aws-v1.";
  public static final String CLUSTER_HEADER = "x-k8s-aws-id";

  /** What aws-iam-authenticator expects; EKS accepts the token for 15 minutes after signing. */
  static final Duration PRESIGN_EXPIRY = Duration.ofSeconds(60);

  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private EksTokens() {}

  /**
   * @param region the cluster's region; the regional STS endpoint is used, as the AWS CLI does
   */
  public static String create(
      AwsCredentialsIdentity credentials, String region, String clusterName, Clock clock) {
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(URI.create("https://sts." + region + ".amazonaws.com/"))
            .appendRawQueryParameter("Action", "GetCallerIdentity")
            .appendRawQueryParameter("Version", "2011-06-15")
            .putHeader(CLUSTER_HEADER, clusterName)
            .build();
    URI presigned =
        SIGNER
            .sign(
                r ->
                    r.identity(credentials)
                        .request(request)
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(
                            AwsV4FamilyHttpSigner.AUTH_LOCATION,
                            AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, PRESIGN_EXPIRY)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
            .request()
            .getUri();
    return PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(presigned.toString().getBytes(StandardCharsets.UTF_8));
  }
}
