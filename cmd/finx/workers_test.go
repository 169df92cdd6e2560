package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/kafka"
)

// TestWorkersPublishExtractLoad runs publish, extract and load as separate
// commands against one broker, as docker-compose.yml does, then stops the
// workers as SIGTERM would and checks that they drain and exit cleanly.
func TestWorkersPublishExtractLoad(t *testing.T) {
	emb, err := kafka.StartEmbedded(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	brokers := strings.Join(emb.Addrs(), ",")
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	blobs := filepath.Join(dir, "blobs")

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	errs := make(map[string]error)
	var mu sync.Mutex
	start := func(args ...string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stdout, stderr bytes.Buffer
			err := run(ctx, args, &stdout, &stderr)
			mu.Lock()
			errs[args[0]] = err
			mu.Unlock()
			if err != nil {
				t.Logf("%s: %v\n%s", args[0], err, stderr.String())
			}
		}()
	}
	start("extract", "--brokers", brokers, "--blob-dir", blobs, "--metrics-addr", "")
	start("load", "--brokers", brokers, "--clickhouse", "", "--out", out, "--metrics-addr", "")

	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"publish", "--brokers", brokers, "--blob-dir", blobs, "../../fixtures"}, &stdout, &stderr); err != nil {
		t.Fatalf("publish: %v\n%s", err, stderr.String())
	}
	good, bad := fixtureCounts(t, "../../fixtures")
	if want := fmt.Sprintf("%d published", good+bad); !strings.Contains(stdout.String(), want) {
		t.Errorf("publish output %q, want %s", stdout.String(), want)
	}

	// The fixture filings load; the inputs under bad/ become dead letters.
	deadline := time.Now().Add(60 * time.Second)
	for {
		filings := countLines(filepath.Join(out, "filings.json"))
		letters := countLines(filepath.Join(out, "dead_letters.json"))
		if filings+letters >= good+bad {
			if filings != good || letters != bad {
				t.Errorf("filings %d, dead letters %d; want %d and %d", filings, letters, good, bad)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60s: %d filings and %d dead letters, want %d in all", filings, letters, good+bad)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	wg.Wait()
	for cmd, err := range errs {
		if err != nil {
			t.Errorf("%s exited with %v after cancel, want nil", cmd, err)
		}
	}
}

// fixtureCounts returns the number of filing documents (PDF, HTML and
// text files) under dir outside bad/ and inside it.
func fixtureCounts(t *testing.T, dir string) (good, bad int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".pdf", ".htm", ".html", ".xhtml", ".txt":
		default:
			return nil
		}
		if filepath.Base(filepath.Dir(path)) == "bad" {
			bad++
		} else {
			good++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return good, bad
}

func countLines(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(data, []byte("\n"))
}

// TestDemoIgnoresOtherDocuments runs the demo on a cluster whose topics
// already hold another document: the demo's groups skip it, so the demo
// loads and counts only what it published.
func TestDemoIgnoresOtherDocuments(t *testing.T) {
	emb, err := kafka.StartEmbedded(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	brokers := strings.Join(emb.Addrs(), ",")
	dir := t.TempDir()
	blobs := filepath.Join(dir, "blobs")

	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"publish", "--brokers", brokers, "--blob-dir", blobs, "../../fixtures/html"}, &stdout, &stderr); err != nil {
		t.Fatalf("publish: %v\n%s", err, stderr.String())
	}
	out := filepath.Join(dir, "out")
	got, errOut, err := runDemoCmd(t, "--brokers", brokers, "--clickhouse", "", "--out", out, "--blob-dir", blobs, "../../fixtures/8k")
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, got, errOut)
	}
	if n := countLines(filepath.Join(out, "filings.json")); n != 1 {
		t.Errorf("filings rows = %d, want 1: the demo loaded a document it did not publish", n)
	}
	if !strings.Contains(got, "1 published, 1 loaded, 0 dead-lettered") {
		t.Errorf("summary:\n%s", got)
	}
}

func TestLoadBatchFlagsInvalid(t *testing.T) {
	tests := [][]string{
		{"--batch-rows", "-1"},
		{"--batch-interval", "-5ms"},
	}
	for _, args := range tests {
		t.Run(args[0], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"load", "--brokers", "127.0.0.1:1", "--metrics-addr", ""}, args...), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), "invalid --batch-rows") {
				t.Errorf("got %v, want an invalid --batch-rows or --batch-interval error", err)
			}
		})
	}
}

func TestTopicPrefixFlagInvalid(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"extract", "--brokers", "127.0.0.1:1", "--metrics-addr", "", "--topic-prefix", "bad prefix"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "invalid TopicPrefix") {
		t.Errorf("got %v, want an invalid TopicPrefix error", err)
	}
}
