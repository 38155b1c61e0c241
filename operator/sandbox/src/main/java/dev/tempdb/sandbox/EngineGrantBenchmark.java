package dev.tempdb.sandbox;

import dev.tempdb.api.v1alpha1.Engine;
import dev.tempdb.api.v1alpha1.Phase;
import dev.tempdb.api.v1alpha1.TemporaryDbAccess;
import dev.tempdb.core.engine.SqlTemplate;
import dev.tempdb.core.naming.Passwords;
import dev.tempdb.core.testing.ProjectFiles;
import dev.tempdb.operator.testing.OperatorFixture;
import dev.tempdb.operator.testing.TestDatabase;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Grant latency of the whole operator on one engine beside the JDBC floor: the same grant (create
 * the user with its password, then the shipped readonly target's SQL) sent straight to the same
 * server over one open admin connection per thread, in the same run. Not a test: run it by hand and
 * copy its table into docs/benchmarks.md.
 *
 * <pre>
 * ./mvnw -B -q -pl operator/sandbox -am -DskipTests install exec:java \
 *   -Dexec.mainClass=dev.tempdb.sandbox.EngineGrantBenchmark -Dexec.args="MYSQL 50 200"
 * </pre>
 */
public final class EngineGrantBenchmark {
  private static final int THREADS = 8;
  private static final AtomicInteger SEQ = new AtomicInteger();

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", "logback-sandbox.xml");
    try {
      run(args);
      System.exit(0);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    Engine engine = Engine.valueOf(args.length > 0 ? args[0].toUpperCase(Locale.ROOT) : "MYSQL");
    int single = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int burst = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    PrintStream out = System.out;
    TestDatabase db = TestDatabase.of(engine);
    String targetSql =
        Files.readString(
            ProjectFiles.topLevel("targets")
                .resolve(engine == Engine.POSTGRESQL ? "readonly.sql" : "mysql-readonly.sql"));

    out.println("JDBC floor: " + single + " grants one at a time, then " + burst + " by 8 threads");
    floor(db, targetSql, 10, 1); // warm-up of the driver and server
    List<Duration> floorSingle = floor(db, targetSql, single, 1);
    Instant floorStart = Instant.now();
    floor(db, targetSql, burst, THREADS);
    Duration floorBurst = Duration.between(floorStart, Instant.now());

    try (OperatorFixture op = new OperatorFixture()) {
      op.server(db);
      op.target(db.key(), "bench-" + db.key(), targetSql, null, "8h");
      Map<String, Instant> active = new ConcurrentHashMap<>();
      SharedIndexInformer<TemporaryDbAccess> informer = inform(op, active);
      out.println("Operator: the same, as TemporaryDbAccess requests");
      operator(op, db, "warm", 10, 1, active);
      List<Duration> opSingle = operator(op, db, "one", single, 1, active);
      Instant opStart = Instant.now();
      operator(op, db, "burst", burst, THREADS, active);
      Duration opBurst = Duration.between(opStart, Instant.now());
      informer.stop();

      out.println();
      out.println("| " + db.engine() + " | operator | JDBC floor | ratio |");
      out.println("|---|---|---|---|");
      row(
          out,
          "grant p50, one at a time (n=" + single + ")",
          pct(opSingle, 0.5),
          pct(floorSingle, 0.5));
      row(
          out,
          "grant p99, one at a time (n=" + single + ")",
          pct(opSingle, 0.99),
          pct(floorSingle, 0.99));
      row(out, "burst of " + burst + " by 8 threads, until all Active", opBurst, floorBurst);
    }
  }

  /**
   * Creates users straight over JDBC, each thread on one open admin connection; drops them after.
   */
  private static List<Duration> floor(TestDatabase db, String targetSql, int count, int threads)
      throws Exception {
    List<Duration> latencies = Collections.synchronizedList(new ArrayList<>());
    List<String> users = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> work = new ArrayList<>();
    int each = count / threads;
    for (int t = 0; t < threads; t++) {
      int n = t == threads - 1 ? count - each * (threads - 1) : each;
      work.add(
          pool.submit(
              () -> {
                try (Connection c = db.login(db.adminUser(), db.adminPassword());
                    Statement s = c.createStatement()) {
                  for (int i = 0; i < n; i++) {
                    String user = "tdb_floor" + SEQ.incrementAndGet();
                    Instant start = Instant.now();
                    for (String sql :
                        floorSql(db.engine(), user, Passwords.generate(), targetSql)) {
                      s.execute(sql);
                    }
                    latencies.add(Duration.between(start, Instant.now()));
                    users.add(user);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    for (String user : users) {
      db.admin(
          db.engine() == Engine.POSTGRESQL
              ? "DROP OWNED BY " + user + "; DROP ROLE " + user
              : "DROP USER '" + user + "'@'%'");
    }
    Collections.sort(latencies);
    return latencies;
  }

  /** The least SQL that gives the same access: the user with its password, then the target's. */
  private static List<String> floorSql(
      Engine engine, String user, String password, String targetSql) {
    List<String> sql = new ArrayList<>();
    if (engine == Engine.POSTGRESQL) {
      sql.add("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "' VALID UNTIL 'infinity'");
      sql.add(SqlTemplate.render(targetSql, user));
    } else {
      sql.add("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
      sql.add(SqlTemplate.render(targetSql, "'" + user + "'@'%'"));
    }
    return sql;
  }

  private static SharedIndexInformer<TemporaryDbAccess> inform(
      OperatorFixture op, Map<String, Instant> active) {
    return op.client()
        .resources(TemporaryDbAccess.class)
        .inNamespace(OperatorFixture.REQUESTS_NS)
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
  }

  /** Creates requests and waits until each is Active; returns create-to-Active latencies. */
  private static List<Duration> operator(
      OperatorFixture op,
      TestDatabase db,
      String prefix,
      int count,
      int threads,
      Map<String, Instant> active)
      throws Exception {
    Map<String, Instant> created = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> work = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = db.key() + "-" + prefix + "-" + i;
      Future<?> f =
          pool.submit(
              () -> {
                op.request(name, "bench-" + db.key(), "u" + i(name) + "@bench.example", "1h");
                created.put(name, Instant.now());
                return null;
              });
      work.add(f);
      if (threads == 1) {
        f.get(1, TimeUnit.MINUTES);
        awaitActive(op, active, List.of(name));
      }
    }
    for (Future<?> f : work) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    awaitActive(op, active, List.copyOf(created.keySet()));
    List<Duration> latencies = new ArrayList<>();
    created.forEach((name, at) -> latencies.add(Duration.between(at, active.get(name)).abs()));
    Collections.sort(latencies);
    return latencies;
  }

  private static String i(String name) {
    return name.substring(name.lastIndexOf('-') + 1);
  }

  private static void awaitActive(
      OperatorFixture op, Map<String, Instant> active, List<String> names)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    for (String name : names) {
      while (!active.containsKey(name)) {
        if (Instant.now().isAfter(deadline)) {
          TemporaryDbAccess t = op.get(name);
          throw new IllegalStateException(
              name + " did not become Active: " + (t == null ? "gone" : t.getStatus()));
        }
        Thread.sleep(1); // the informer thread records the moment; this only waits for it
      }
    }
  }

  private static Duration pct(List<Duration> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static void row(PrintStream out, String what, Duration operator, Duration floor) {
    out.printf(
        Locale.ROOT,
        "| %s | %d ms | %.1f ms | %.1fx |%n",
        what,
        operator.toMillis(),
        floor.toNanos() / 1e6,
        operator.toNanos() / (double) Math.max(1, floor.toNanos()));
  }
}
