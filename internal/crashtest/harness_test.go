package crashtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/kafka"
)

// finxBinary is the finx command built once for the package by TestMain.
var finxBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "finx-crashtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		os.Exit(1)
	}
	finxBinary = filepath.Join(dir, "finx")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var buildOnce sync.Once
var buildErr error

// buildFinx builds cmd/finx into finxBinary on first use, so that a run
// where every test skips does not pay for the build.
func buildFinx(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		statSources()
		cmd := exec.Command("go", "build", "-o", finxBinary, "../../cmd/finx")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ../../cmd/finx: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return finxBinary
}

// statSources stats every Go source file, go.mod and go.sum of the module.
// go test caches a passing result keyed by the files that the test itself
// opens or stats, and it does not see what the go build of the finx binary
// reads. With the stats, a change to any source runs the tests again.
func statSources() {
	filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum") {
			os.Stat(path)
		}
		return nil
	})
}

// pipelineEnv names the servers and the private names of one test run.
type pipelineEnv struct {
	t           *testing.T
	brokers     string
	chAddr      string
	database    string
	topicPrefix string
	groupPrefix string
	blobDir     string
}

// newPipelineEnv returns names unique to this test run, and removes the
// topics, groups and database at the end of the test.
func newPipelineEnv(t *testing.T, name, brokers, chAddr string) *pipelineEnv {
	t.Helper()
	stamp := time.Now().UnixNano()
	e := &pipelineEnv{
		t:           t,
		brokers:     brokers,
		chAddr:      chAddr,
		database:    fmt.Sprintf("delivery_%s_%d", name, stamp),
		topicPrefix: fmt.Sprintf("delivery-%s-%d.", name, stamp),
		groupPrefix: fmt.Sprintf("delivery-%s-%d", name, stamp),
		blobDir:     filepath.Join(t.TempDir(), "blobs"),
	}
	t.Cleanup(e.cleanup)
	return e
}

func (e *pipelineEnv) kafkaConfig() kafka.Config {
	return kafka.Config{Brokers: strings.Split(e.brokers, ","), TopicPrefix: e.topicPrefix}.WithDefaults()
}

func (e *pipelineEnv) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := e.kafkaConfig()
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Timeout: 10 * time.Second}
	groups := []string{e.groupPrefix + "-extract", e.groupPrefix + "-load", e.groupPrefix + "-dead-letters"}
	if _, err := client.DeleteGroups(ctx, &kafkago.DeleteGroupsRequest{GroupIDs: groups}); err != nil {
		e.t.Logf("delete groups %v: %v", groups, err)
	}
	var topics []string
	for _, name := range kafka.Topics() {
		topics = append(topics, cfg.Topic(name))
	}
	if _, err := client.DeleteTopics(ctx, &kafkago.DeleteTopicsRequest{Topics: topics}); err != nil {
		e.t.Logf("delete topics %v: %v", topics, err)
	}
	if conn, err := e.openClickHouse(); err == nil {
		if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+e.database); err != nil {
			e.t.Logf("drop database %s: %v", e.database, err)
		}
		conn.Close()
	}
}

// kafkaArgs are the flags every finx command of this run gets.
func (e *pipelineEnv) kafkaArgs() []string {
	return []string{"--brokers", e.brokers, "--topic-prefix", e.topicPrefix, "--group-prefix", e.groupPrefix, "--blob-dir", e.blobDir}
}

var publishedLine = regexp.MustCompile(`(?m)^(\d+) published to .*, (\d+) unreadable and dead-lettered`)

// publish runs finx publish on paths and returns the number of documents
// on filings.raw and the number of unreadable files dead-lettered instead.
func (e *pipelineEnv) publish(paths ...string) (published, unreadable int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append(append([]string{"publish"}, e.kafkaArgs()...), paths...)
	cmd := exec.CommandContext(ctx, buildFinx(e.t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("finx publish: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	m := publishedLine.FindStringSubmatch(stdout.String())
	if m == nil {
		e.t.Fatalf("finx publish output has no count line:\n%s", stdout.String())
	}
	published, _ = strconv.Atoi(m[1])
	unreadable, _ = strconv.Atoi(m[2])
	return published, unreadable
}

// worker is one finx extract or finx load process.
type worker struct {
	name   string
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
	err    error
}

// syncBuffer is a bytes.Buffer that the process and the test use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs finx COMMAND with the run's flags and extra, logging at info.
func (e *pipelineEnv) start(command string, extra ...string) *worker {
	e.t.Helper()
	args := append([]string{command}, e.kafkaArgs()...)
	args = append(args, "--metrics-addr", "", "--log-level", "info")
	args = append(args, extra...)
	w := &worker{name: command, cmd: exec.Command(buildFinx(e.t), args...), stderr: &syncBuffer{}, done: make(chan struct{})}
	w.cmd.Stderr = w.stderr
	if err := w.cmd.Start(); err != nil {
		e.t.Fatalf("start finx %s: %v", command, err)
	}
	go func() {
		w.err = w.cmd.Wait()
		close(w.done)
	}()
	e.t.Cleanup(func() {
		if !w.exited() {
			w.cmd.Process.Kill()
			<-w.done
		}
		if e.t.Failed() {
			e.t.Logf("finx %s (pid %d) stderr:\n%s", w.name, w.cmd.Process.Pid, tail(w.stderr.String(), 40))
		}
	})
	return w
}

func (w *worker) exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (w *worker) kill(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL finx %s: %v", w.name, err)
	}
	<-w.done
}

// stop sends SIGTERM and waits for the drain. A clean stop exits with
// status 0 and logs "stage stopped" without an error.
func (w *worker) stop(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM finx %s: %v", w.name, err)
	}
	select {
	case <-w.done:
	case <-time.After(45 * time.Second):
		t.Fatalf("finx %s did not exit within 45 s of SIGTERM", w.name)
	}
	if w.err != nil {
		t.Errorf("finx %s after SIGTERM: got %v, want exit status 0", w.name, w.err)
	}
	log := w.stderr.String()
	if !strings.Contains(log, "stage stopped") || strings.Contains(log, "level=ERROR") {
		t.Errorf("finx %s log after SIGTERM, want \"stage stopped\" and no error:\n%s", w.name, tail(log, 20))
	}
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// topicCount returns how many messages the run's topic holds.
func (e *pipelineEnv) topicCount(name string) int64 {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := e.kafkaConfig()
	bounds, err := kafka.PartitionOffsets(ctx, cfg, cfg.Topic(name))
	if err != nil {
		return -1
	}
	var n int64
	for _, b := range bounds {
		n += b.Next - b.First
	}
	return n
}

// lag returns the number of messages of the run's topic that group has not
// committed, or -1 when the broker does not return the offsets.
func (e *pipelineEnv) lag(group, name string) int64 {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := e.kafkaConfig()
	topic := cfg.Topic(name)
	bounds, err := kafka.PartitionOffsets(ctx, cfg, topic)
	if err != nil {
		return -1
	}

	var partitions []int
	for _, b := range bounds {
		partitions = append(partitions, b.Partition)
	}
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Timeout: 10 * time.Second}
	resp, err := client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: partitions}})
	if err != nil || resp.Error != nil {
		return -1
	}

	committed := map[int]int64{}
	for _, p := range resp.Topics[topic] {
		committed[p.Partition] = p.CommittedOffset
	}
	var lag int64
	for _, b := range bounds {
		c := committed[b.Partition]
		if c < b.First {
			c = b.First
		}
		lag += b.Next - c
	}
	return lag
}

func (e *pipelineEnv) openClickHouse() (ch.Conn, error) {
	return ch.Open(&ch.Options{
		Addr:        []string{e.chAddr},
		Auth:        ch.Auth{Database: "default", Username: "default"},
		DialTimeout: 2 * time.Second,
	})
}

// query runs a query that returns one row of unsigned counts. It returns
// nil when the query fails, as it does while a test has stopped ClickHouse.
func (e *pipelineEnv) query(q string, n int) []uint64 {
	conn, err := e.openClickHouse()
	if err != nil {
		return nil
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := make([]uint64, n)
	dest := make([]any, n)
	for i := range out {
		dest[i] = &out[i]
	}
	if err := conn.QueryRow(ctx, q, nil...).Scan(dest...); err != nil {
		return nil
	}
	return out
}

// loadedDocs returns the distinct documents in the filings table, or -1.
func (e *pipelineEnv) loadedDocs() int64 {
	got := e.query("SELECT uniqExact(doc_id) FROM "+e.database+".filings", 1)
	if got == nil {
		return -1
	}
	return int64(got[0])
}

// accounted returns the documents loaded plus the distinct documents with
// a dead letter of the extract or load stage, and the publish-stage dead
// letters, or -1s.
func (e *pipelineEnv) accounted() (loaded, dead, unreadable int64) {
	loaded = e.loadedDocs()
	got := e.query("SELECT uniqExactIf(doc_id, stage != 'publish'), countIf(stage = 'publish') FROM "+e.database+".dead_letters FINAL", 2)
	if loaded < 0 || got == nil {
		return -1, -1, -1
	}
	return loaded, int64(got[0]), int64(got[1])
}

// waitAccounted polls ClickHouse until every published document is loaded
// or dead-lettered, or limit passes.
func (e *pipelineEnv) waitAccounted(published, unreadable int, limit time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(limit)
	var loaded, dead, unread int64
	for time.Now().Before(deadline) {
		loaded, dead, unread = e.accounted()
		if loaded+dead == int64(published) && unread == int64(unreadable) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	e.t.Fatalf("after %v: %d loaded and %d dead-lettered of %d published, %d of %d unreadable files recorded",
		limit, loaded, dead, published, unread, unreadable)
}

// checkExactlyOnce checks the end state: every table holds one row per id
// after FINAL, the documents loaded plus those dead-lettered are the
// published ones, and every dead letter is one of the known bad files.
func (e *pipelineEnv) checkExactlyOnce(published int, badDocs map[string]string) {
	e.t.Helper()
	db := e.database
	for _, table := range []string{"filings", "risks", "metrics", "guidance"} {
		key := "(doc_id, id)"
		if table == "filings" {
			key = "doc_id"
		}
		got := e.query(fmt.Sprintf("SELECT count(), uniqExact(%s) FROM %s.%s FINAL", key, db, table), 2)
		raw := e.query(fmt.Sprintf("SELECT count() FROM %s.%s", db, table), 1)
		if got == nil || raw == nil {
			e.t.Fatalf("query %s.%s failed", db, table)
		}
		e.t.Logf("%s: %d rows before merging, %d after FINAL, %d distinct ids", table, raw[0], got[0], got[1])
		if got[0] != got[1] {
			e.t.Errorf("%s: %d rows after FINAL for %d ids, want one row per id", table, got[0], got[1])
		}
	}

	loaded, dead, _ := e.accounted()
	if loaded+dead != int64(published) {
		e.t.Errorf("%d loaded plus %d dead-lettered, want the %d published", loaded, dead, published)
	}
	conn, err := e.openClickHouse()
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(context.Background(), "SELECT doc_id, stage, reason, source_path FROM "+db+".dead_letters FINAL WHERE stage != 'publish'")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var docID, stage, reason, source string
		if err := rows.Scan(&docID, &stage, &reason, &source); err != nil {
			e.t.Fatal(err)
		}
		if want, ok := badDocs[docID]; !ok {
			e.t.Errorf("unexpected dead letter: %s stage %s reason %s (%s)", source, stage, reason, docID)
		} else if stage != "extract" {
			e.t.Errorf("dead letter of %s: got stage %s reason %s, want an extract-stage failure of %s", source, stage, reason, want)
		}
	}
}

// badFiles returns the document ids of the files under dir, which must all
// fail extraction, by id with their path.
func badFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		out[hex.EncodeToString(sum[:])] = path
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitFor polls cond every 20 ms until it is true or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// services runs scripts/services with env for a server of the test's own.
func services(t *testing.T, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("../../scripts/services", args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/services %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("scripts/services %s:\n%s", strings.Join(args, " "), tail(string(out), 5))
}
