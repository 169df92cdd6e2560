package crashtest

import (
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/internal/testenv"
)

// badFixtures holds small files that fail extraction on purpose, so that the
// runs also carry dead letters.
const badFixtures = "../../fixtures/bad"

// TestCrashWorkers publishes the corpus and the bad fixtures. It kills the
// extract worker after some but not all results are on filings.extracted
// and restarts it, then stops it with SIGTERM a little later and starts it
// again. Next it kills the load worker after some documents are in
// ClickHouse and restarts it. ClickHouse must end with every document
// loaded or dead-lettered, one row per id, and the only dead letters must
// be the bad fixtures. Both workers then stop on SIGTERM with nothing left
// uncommitted.
func TestCrashWorkers(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	chAddr := testenv.ClickHouseAddr(t)
	corpus := testenv.Corpus(t)
	e := newPipelineEnv(t, "crash", brokers, chAddr)
	bad := badFiles(t, badFixtures)

	published, unreadable := e.publish(corpus, badFixtures)
	t.Logf("published %d documents, %d unreadable files dead-lettered at publish", published, unreadable)
	if published < 10 {
		t.Fatalf("published %d documents, want the corpus (at least 10)", published)
	}

	// One extraction at a time, so that the kill lands between documents.
	extract := e.start("extract", "--workers", "1")
	var atKill int64
	waitFor(t, 60*time.Second, "the first 3 results on filings.extracted", func() bool {
		atKill = e.topicCount(kafka.TopicExtracted)
		return atKill >= 3
	})
	extract.kill(t)
	t.Logf("killed finx extract with %d results on filings.extracted", atKill)
	if atKill >= int64(published) {
		t.Fatalf("the extract worker had published %d results of %d before the kill, want fewer", atKill, published)
	}
	extract = e.start("extract", "--workers", "1")

	// SIGTERM in the middle of the run: the worker finishes the document in
	// flight, commits it and exits 0; a new worker goes on from there.
	var atTerm int64
	waitFor(t, 60*time.Second, "3 more results on filings.extracted", func() bool {
		atTerm = e.topicCount(kafka.TopicExtracted)
		return atTerm >= atKill+3
	})
	extract.stop(t)
	t.Logf("stopped finx extract with SIGTERM with %d results on filings.extracted", atTerm)
	extract = e.start("extract", "--workers", "1")

	// Batches of two results, so that the kill lands between batches or
	// in the middle of one.
	loadArgs := []string{"--clickhouse", chAddr, "--clickhouse-database", e.database, "--batch-rows", "2", "--batch-interval", "100ms"}
	load := e.start("load", loadArgs...)
	var loadedAtKill int64
	waitFor(t, 60*time.Second, "the first documents in ClickHouse", func() bool {
		loadedAtKill = e.loadedDocs()
		return loadedAtKill >= 2
	})
	load.kill(t)
	t.Logf("killed finx load with %d documents in ClickHouse", loadedAtKill)
	load = e.start("load", loadArgs...)

	e.waitAccounted(published, unreadable, 90*time.Second)
	if loadedAtKill >= int64(published-len(bad)) {
		t.Errorf("the load worker had loaded %d documents before the kill, want fewer than all", loadedAtKill)
	}
	e.checkExactlyOnce(published, bad)
	t.Logf("filings.extracted holds %d results for %d published documents", e.topicCount(kafka.TopicExtracted), published)

	// SIGTERM drains: both workers exit cleanly and their groups have
	// committed everything.
	extract.stop(t)
	load.stop(t)
	if lag := e.lag(e.groupPrefix+"-extract", kafka.TopicRaw); lag != 0 {
		t.Errorf("extract group lag after SIGTERM: got %d, want 0", lag)
	}
	if lag := e.lag(e.groupPrefix+"-load", kafka.TopicExtracted); lag != 0 {
		t.Errorf("load group lag after SIGTERM: got %d, want 0", lag)
	}
}
