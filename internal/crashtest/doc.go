// Package crashtest holds the crash and outage tests of the finx pipeline.
// They run the finx binary as separate extract and load processes against
// real servers, kill or stop them in the middle of a run, and check that
// ClickHouse ends up with every published document, one row per id after
// FINAL:
//
//   - TestCrashWorkers kills the extract worker and then the load worker
//     with SIGKILL, restarts them, and finally stops both with SIGTERM.
//   - TestClickHouseOutage stops a ClickHouse server of its own for 30 s
//     while the load worker writes to it.
//   - TestKafkaRestart restarts a Kafka broker of its own during a run.
//
// The tests read FINX_KAFKA_BROKERS, FINX_CLICKHOUSE_ADDR and FINX_CORPUS
// through internal/testenv: they skip when one is unset and fail under
// CI=true. Each test uses its own topic prefix, consumer groups and
// database on the shared servers, and removes them at the end. The outage
// tests start their own servers with scripts/services on other ports, so
// that other tests keep theirs.
//
// The package has no code outside its tests.
package crashtest
