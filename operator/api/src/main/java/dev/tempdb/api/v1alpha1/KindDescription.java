package dev.tempdb.api.v1alpha1;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What {@code kubectl explain <kind>}, {@code .spec} and {@code .status} say. The fabric8 generator
 * has no annotation for these three (they sit on {@code CustomResource}), so the build copies them
 * into the generated CRD (see CrdDriftTest).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface KindDescription {
  String value();

  String spec();

  String status();
}
