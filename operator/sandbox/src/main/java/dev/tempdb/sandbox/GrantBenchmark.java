package dev.tempdb.sandbox;

import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.api.v1alpha1.TemporaryDbAccessSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Grant and revocation latency of the whole operator (JOSDK, the fabric8 mock API server, an
 * embedded PostgreSQL, all in one JVM on this machine). Not a test: run it by hand and copy its
 * table into docs/benchmarks.md.
 *
 * <pre>
 * ./mvnw -B -q -pl operator/sandbox -am -DskipTests install exec:java \
 *   -Dexec.mainClass=dev.tempdb.sandbox.GrantBenchmark -Dexec.args="1000"
 * </pre>
 *
 * <p>Latency of a grant is from the client's create call returning to the informer seeing phase
 * Active; of a revocation, from the delete call to the resource being gone; of an expiry, from
 * status.expiresAt to status.revokedAt (both written by the operator).
 */
public final class GrantBenchmark {
  private static final String NS = "bench";

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", "logback-sandbox.xml");
    try {
      run(args);
      System.exit(0);
    } catch (Throwable e) {
      // exec:java would otherwise wait for the operator's threads and never report it.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    int burst = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    PrintStream out = System.out;
    Sandbox.Environment env = new Sandbox(out, Duration.ofHours(1)).start();
    KubernetesClient client = env.client();

    Map<String, Instant> created = new ConcurrentHashMap<>();
    Map<String, Instant> active = new ConcurrentHashMap<>();
    SharedIndexInformer<TemporaryDbAccess> informer =
        client
            .resources(TemporaryDbAccess.class)
            .inNamespace(NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(TemporaryDbAccess t) {
                    onUpdate(null, t);
                  }

                  @Override
                  public void onUpdate(TemporaryDbAccess old, TemporaryDbAccess t) {
                    if (t.getStatus() != null && t.getStatus().getPhase() == Phase.Active) {
                      active.putIfAbsent(t.getMetadata().getName(), Instant.now());
                    }
                  }

                  @Override
                  public void onDelete(TemporaryDbAccess t, boolean unknown) {}
                });

    out.println("Warm-up: 50 grants, one at a time...");
    burst(client, "warm", 50, 1, "1h", created, active);
    awaitAll(client, active, "warm", 50, Duration.ofSeconds(60));
    List<Duration> sequential = latencies(created, active, "warm");

    out.println("Burst: " + burst + " grants created by 8 client threads...");
    Instant burstStart = Instant.now();
    burst(client, "b", burst, 8, "1h", created, active);
    Duration creates = Duration.between(burstStart, Instant.now());
    awaitAll(client, active, "b", burst, Duration.ofSeconds(120));
    Duration burstAll = Duration.between(burstStart, Collections.max(valuesFor(active, "b")));
    List<Duration> burstLatencies = latencies(created, active, "b");

    out.println("Revocation by deletion of the " + burst + " burst grants...");
    Instant deleteStart = Instant.now();
    client.resources(TemporaryDbAccess.class).inNamespace(NS).withLabel("bench", "b").delete();
    while (!client
        .resources(TemporaryDbAccess.class)
        .inNamespace(NS)
        .withLabel("bench", "b")
        .list()
        .getItems()
        .isEmpty()) {
      Thread.sleep(100);
    }
    Duration deleteAll = Duration.between(deleteStart, Instant.now());

    out.println("Expiry: 50 grants with a 5 s lease...");
    burst(client, "exp", 50, 8, "5s", created, active);
    List<Duration> expiry = new ArrayList<>();
    Instant deadline = Instant.now().plusSeconds(60);
    while (expiry.size() < 50 && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      expiry.clear();
      for (TemporaryDbAccess t :
          client
              .resources(TemporaryDbAccess.class)
              .inNamespace(NS)
              .withLabel("bench", "exp")
              .list()
              .getItems()) {
        if (t.getStatus() != null && t.getStatus().getPhase() == Phase.Expired) {
          expiry.add(
              Duration.between(
                  Instant.parse(t.getStatus().getExpiresAt()),
                  Instant.parse(t.getStatus().getRevokedAt())));
        }
      }
    }
    informer.stop();

    out.println();
    out.println("| measurement | n | p50 | p90 | p99 | max |");
    out.println("|---|---|---|---|---|---|");
    row(out, "grant, one at a time (create -> Active)", sequential);
    row(out, "grant, burst of " + burst + " (create -> Active)", burstLatencies);
    row(out, "expiry (expiresAt -> revokedAt)", expiry);
    out.println();
    out.println(
        "Burst of "
            + burst
            + ": all Active "
            + burstAll.toMillis()
            + " ms after the first create; the creates alone took "
            + creates.toMillis()
            + " ms");
    out.println(
        "Deleting the "
            + burst
            + " burst grants: all revoked and gone after "
            + deleteAll.toMillis()
            + " ms");
    env.operator().close();
  }

  private static void burst(
      KubernetesClient client,
      String prefix,
      int count,
      int threads,
      String ttl,
      Map<String, Instant> created,
      Map<String, Instant> active)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int i = 0; i < count; i++) {
      String name = prefix + "-" + i;
      pool.submit(
          () -> {
            TemporaryDbAccess tda = new TemporaryDbAccess();
            tda.setMetadata(
                new ObjectMetaBuilder()
                    .withName(name)
                    .withNamespace(NS)
                    .addToLabels("bench", prefix)
                    .build());
            TemporaryDbAccessSpec spec = new TemporaryDbAccessSpec();
            spec.setTarget("readonly");
            spec.setRequester("user" + name + "@bench.example");
            spec.setTtl(ttl);
            tda.setSpec(spec);
            client.resource(tda).create();
            created.put(name, Instant.now());
          });
      if (threads == 1) {
        // One at a time: wait for each grant before the next, to see latency without queueing.
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        while (!active.containsKey(name)) {
          Thread.sleep(1);
        }
        pool = Executors.newFixedThreadPool(threads);
      }
    }
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.MINUTES);
  }

  private static void awaitAll(
      KubernetesClient client,
      Map<String, Instant> active,
      String prefix,
      int count,
      Duration atMost)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(atMost);
    while (valuesFor(active, prefix).size() < count) {
      if (Instant.now().isAfter(deadline)) {
        Map<String, Long> stuck =
            client
                .resources(TemporaryDbAccess.class)
                .inNamespace(NS)
                .withLabel("bench", prefix)
                .list()
                .getItems()
                .stream()
                .filter(t -> !active.containsKey(t.getMetadata().getName()))
                .collect(
                    java.util.stream.Collectors.groupingBy(
                        t ->
                            t.getStatus() == null
                                ? "no status, finalizers=" + t.getMetadata().getFinalizers()
                                : t.getStatus().getPhase() + ": " + t.getStatus().getMessage(),
                        java.util.stream.Collectors.counting()));
        throw new IllegalStateException(
            "only "
                + valuesFor(active, prefix).size()
                + " of "
                + count
                + " became Active; the others: "
                + stuck);
      }
      Thread.sleep(20);
    }
  }

  private static List<Instant> valuesFor(Map<String, Instant> map, String prefix) {
    return map.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix + "-"))
        .map(Map.Entry::getValue)
        .toList();
  }

  private static List<Duration> latencies(
      Map<String, Instant> created, Map<String, Instant> active, String prefix) {
    List<Duration> out = new ArrayList<>();
    created.forEach(
        (name, at) -> {
          if (name.startsWith(prefix + "-") && active.containsKey(name)) {
            Duration d = Duration.between(at, active.get(name));
            out.add(d.isNegative() ? Duration.ZERO : d);
          }
        });
    Collections.sort(out);
    return out;
  }

  private static void row(PrintStream out, String what, List<Duration> sorted) {
    if (sorted.isEmpty()) {
      out.println("| " + what + " | 0 | | | | |");
      return;
    }
    List<Duration> s = new ArrayList<>(sorted);
    Collections.sort(s);
    out.println(
        "| "
            + what
            + " | "
            + s.size()
            + " | "
            + ms(pct(s, 0.50))
            + " | "
            + ms(pct(s, 0.90))
            + " | "
            + ms(pct(s, 0.99))
            + " | "
            + ms(s.get(s.size() - 1))
            + " |");
  }

  private static Duration pct(List<Duration> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
