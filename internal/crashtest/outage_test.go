package crashtest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
)

// Ports and folders of the servers that the outage tests start for
// themselves, so that stopping them does not disturb other tests on the
// shared servers.
const (
	ownClickHouseDir      = "/tmp/delivery-ch"
	ownClickHouseTCPPort  = "19100"
	ownClickHouseHTTPPort = "18223"
	ownKafkaDir           = "/tmp/delivery-kafka"
	ownKafkaPort          = "19192"
	ownKafkaControlPort   = "19193"
	// outage is how long the server stays down.
	outage = 30 * time.Second
)

// TestClickHouseOutage stops the load worker's ClickHouse server for 30 s
// after the first documents are in it. The worker must log its retries,
// keep its offsets, and load everything once the server is back, with no
// dead letter caused by the outage.
func TestClickHouseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("stops a ClickHouse server of its own for 30 s")
	}
	brokers := testenv.KafkaBrokers(t)
	testenv.ClickHouseAddr(t) // the shared server proves clickhouse-server is installed
	corpus := testenv.Corpus(t)
	chEnv := []string{
		"FINX_SERVICES_DIR=" + ownClickHouseDir,
		"FINX_CLICKHOUSE_TCP_PORT=" + ownClickHouseTCPPort,
		"FINX_CLICKHOUSE_HTTP_PORT=" + ownClickHouseHTTPPort,
	}
	services(t, chEnv, "start", "clickhouse")
	t.Cleanup(func() { services(t, chEnv, "stop", "clickhouse") })
	chAddr := "127.0.0.1:" + ownClickHouseTCPPort

	e := newPipelineEnv(t, "chdown", brokers, chAddr)
	bad := badFiles(t, badFixtures)
	load := e.start("load", "--clickhouse", chAddr, "--clickhouse-database", e.database, "--batch-rows", "2", "--batch-interval", "100ms")
	published, unreadable := e.publish(corpus, badFixtures)
	extract := e.start("extract", "--workers", "1")

	var atStop int64
	waitFor(t, 60*time.Second, "the first document in ClickHouse", func() bool {
		atStop = e.loadedDocs()
		return atStop >= 1
	})
	services(t, chEnv, "stop", "clickhouse")
	t.Logf("stopped ClickHouse with %d of %d documents loaded", atStop, published)
	time.Sleep(outage)
	if load.exited() {
		t.Fatalf("finx load exited during the outage: %v", load.err)
	}
	services(t, chEnv, "start", "clickhouse")

	e.waitAccounted(published, unreadable, 90*time.Second)
	if atStop >= int64(published-len(bad)) {
		t.Errorf("%d documents were loaded before the outage, want fewer than all", atStop)
	}
	e.checkExactlyOnce(published, bad)
	log := load.stderr.String()
	if n := strings.Count(log, "sink unavailable, retrying"); n == 0 {
		t.Errorf("finx load log has no \"sink unavailable, retrying\":\n%s", tail(log, 20))
	} else {
		t.Logf("finx load logged %d retries during the outage", n)
	}
	extract.stop(t)
	load.stop(t)
}

// supervisor runs a worker and starts it again whenever it exits on its
// own, as docker-compose's restart policy does.
type supervisor struct {
	e        *pipelineEnv
	command  string
	args     []string
	mu       sync.Mutex
	current  *worker
	restarts int
	stopping bool
	done     chan struct{}
}

func (e *pipelineEnv) supervise(command string, args ...string) *supervisor {
	s := &supervisor{e: e, command: command, args: args, done: make(chan struct{})}
	s.current = e.start(command, args...)
	go s.loop()
	return s
}

func (s *supervisor) loop() {
	defer close(s.done)
	for {
		s.mu.Lock()
		w := s.current
		s.mu.Unlock()
		<-w.done
		s.mu.Lock()
		if s.stopping {
			s.mu.Unlock()
			return
		}
		s.restarts++
		if s.restarts <= 3 {
			s.e.t.Logf("finx %s exited (%v); restarting it; its last log lines:\n%s", s.command, w.err, tail(w.stderr.String(), 3))
		}
		time.Sleep(time.Second)
		s.current = s.e.start(s.command, s.args...)
		s.mu.Unlock()
	}
}

// stop stops the current process with SIGTERM and ends the supervision.
func (s *supervisor) stop(t *testing.T) {
	s.mu.Lock()
	s.stopping = true
	w := s.current
	s.mu.Unlock()
	w.stop(t)
	<-s.done
}

// TestKafkaRestart restarts the broker of its own during a run. The stages
// retry while the broker is down, so the workers normally stay up. One that
// still exits, for example on a commit that the broker rejects after a
// group rebalance, is started again as the compose file's restart policy
// does. ClickHouse must still end with one row per id after FINAL.
func TestKafkaRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a Kafka broker of its own")
	}
	testenv.KafkaBrokers(t) // the shared broker proves the Kafka jars and Java are there
	chAddr := testenv.ClickHouseAddr(t)
	corpus := testenv.Corpus(t)
	kafkaEnv := []string{
		"FINX_SERVICES_DIR=" + ownKafkaDir,
		"FINX_KAFKA_PORT=" + ownKafkaPort,
		"FINX_KAFKA_CONTROLLER_PORT=" + ownKafkaControlPort,
	}
	services(t, kafkaEnv, "start", "kafka")
	t.Cleanup(func() { services(t, kafkaEnv, "stop", "kafka") })

	e := newPipelineEnv(t, "kafkarestart", "127.0.0.1:"+ownKafkaPort, chAddr)
	bad := badFiles(t, badFixtures)
	published, unreadable := e.publish(corpus, badFixtures)
	extract := e.supervise("extract", "--workers", "1")
	load := e.supervise("load", "--clickhouse", chAddr, "--clickhouse-database", e.database, "--batch-rows", "2", "--batch-interval", "100ms")

	var atRestart int64
	waitFor(t, 60*time.Second, "the first document in ClickHouse", func() bool {
		atRestart = e.loadedDocs()
		return atRestart >= 1
	})
	start := time.Now()
	services(t, kafkaEnv, "stop", "kafka")
	services(t, kafkaEnv, "start", "kafka")
	t.Logf("restarted Kafka in %v with %d of %d documents loaded", time.Since(start).Round(time.Second), atRestart, published)

	e.waitAccounted(published, unreadable, 120*time.Second)
	if atRestart >= int64(published-len(bad)) {
		t.Errorf("%d documents were loaded before the restart, want fewer than all", atRestart)
	}
	e.checkExactlyOnce(published, bad)
	t.Logf("worker restarts: extract %d, load %d", extract.restarts, load.restarts)
	extract.stop(t)
	load.stop(t)
}
