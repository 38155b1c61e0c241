/**
 * The {@code tempdb.dev/v1alpha1} API: {@link dev.tempdb.api.v1alpha1.DatabaseServer}, {@link
 * dev.tempdb.api.v1alpha1.AccessTarget} and {@link dev.tempdb.api.v1alpha1.TemporaryDbAccess}. The
 * CRD YAML under {@code crds/} is generated from these classes; field descriptions here are what
 * {@code kubectl explain} shows.
 */
package dev.tempdb.api.v1alpha1;
