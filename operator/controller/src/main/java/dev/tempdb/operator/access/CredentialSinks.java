package dev.tempdb.operator.access;

import dev.tempdb.api.v1alpha1.DeliveryMethod;
import dev.tempdb.api.v1alpha1.Reasons;
import dev.tempdb.core.sink.CredentialSink;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The configured credential sinks, by delivery method. */
public final class CredentialSinks {
  private final Map<DeliveryMethod, CredentialSink> sinks = new EnumMap<>(DeliveryMethod.class);

  public CredentialSinks(Collection<CredentialSink> available) {
    available.forEach(s -> sinks.put(s.method(), s));
  }

  /** The delivery methods this operator can serve. */
  public Set<DeliveryMethod> methods() {
    return Set.copyOf(sinks.keySet());
  }

  /** The sinks for the chosen methods; a method with no configured sink is a target error. */
  public List<CredentialSink> forMethods(List<DeliveryMethod> methods) {
    return methods.stream()
        .distinct()
        .map(
            m -> {
              CredentialSink sink = sinks.get(m);
              if (sink == null) {
                throw new TargetUnavailableException(
                    Reasons.DELIVERY_NOT_CONFIGURED, notConfigured(m));
              }
              return sink;
            })
        .toList();
  }

  /** Why a delivery method cannot be served, and how to enable it. */
  public static String notConfigured(DeliveryMethod method) {
    return "delivery "
        + method
        + " is not enabled on the operator"
        + (method == DeliveryMethod.AwsSecretsManager
            ? " (set TEMPDB_AWS_ENABLED=true, see docs/aws.md)"
            : "");
  }

  /** The configured sinks among these methods; methods the operator lacks are skipped. */
  public List<CredentialSink> configured(Collection<DeliveryMethod> methods) {
    return methods.stream().distinct().map(sinks::get).filter(Objects::nonNull).toList();
  }
}
