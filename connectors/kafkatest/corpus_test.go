package kafkatest

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// corpusDoc is one filing listed in the corpus MANIFEST.tsv.
type corpusDoc struct {
	path, kind, sha256 string
	size               int64
}

// mediaType maps the kinds of MANIFEST.tsv to media types. EDGAR index
// files are not filings and are left out.
func mediaType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "pdf-"):
		return schemas.MediaPDF
	case strings.HasPrefix(kind, "ixbrl-"):
		return schemas.MediaIXBRL
	case strings.HasPrefix(kind, "html-"):
		return schemas.MediaHTML
	case strings.HasPrefix(kind, "sgml-"):
		return schemas.MediaText
	}
	return ""
}

func readManifest(t *testing.T, dir string) []corpusDoc {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []corpusDoc
	sc := bufio.NewScanner(f)
	sc.Scan() // header row
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 10 || mediaType(cols[1]) == "" {
			continue
		}
		size, err := strconv.ParseInt(cols[8], 10, 64)
		if err != nil {
			t.Fatalf("MANIFEST.tsv %s: bytes %q: %v", cols[0], cols[8], err)
		}
		docs = append(docs, corpusDoc{path: cols[0], kind: cols[1], sha256: cols[9], size: size})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestCorpusPublishConsume publishes every filing of the corpus to an
// embedded broker and checks that each comes back byte for byte, with the
// DocID equal to the SHA-256 in MANIFEST.tsv.
func TestCorpusPublishConsume(t *testing.T) {
	dir := testenv.Corpus(t)
	docs := readManifest(t, dir)
	if len(docs) == 0 {
		t.Fatal("MANIFEST.tsv lists no filings")
	}
	cfg := Start(t, nil, kafka.TopicRaw)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	store, err := blob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	w := kafka.NewWriter(cfg, kafka.TopicRaw)
	defer w.Close()
	var totalBytes int64
	byBlob := 0
	start := time.Now()
	for _, d := range docs {
		content, err := os.ReadFile(filepath.Join(dir, d.path))
		if err != nil {
			t.Fatal(err)
		}
		f := schemas.Filing{SourcePath: d.path, MediaType: mediaType(d.kind)}
		msg, err := kafka.EncodeFiling(ctx, f, content, cfg.InlineLimit, store)
		if err != nil {
			t.Fatalf("EncodeFiling %s: %v", d.path, err)
		}
		if len(content) > cfg.InlineLimit {
			byBlob++
		}
		if err := w.WriteMessages(ctx, msg); err != nil {
			t.Fatalf("write %s: %v", d.path, err)
		}
		totalBytes += int64(len(content))
	}
	published := time.Since(start)

	r := kafka.NewReader(cfg, "corpus", kafka.TopicRaw)
	defer r.Close()
	want := make(map[string]corpusDoc, len(docs))
	for _, d := range docs {
		want[d.sha256] = d
	}
	start = time.Now()
	for range docs {
		msg, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		f, content, err := kafka.DecodeFiling(ctx, msg, store)
		if err != nil {
			t.Fatalf("DecodeFiling: %v", err)
		}
		d, ok := want[f.DocID]
		if !ok {
			t.Errorf("%s: got DocID %s, want the SHA-256 listed in MANIFEST.tsv", f.SourcePath, f.DocID)
			continue
		}
		delete(want, f.DocID)
		if f.SourcePath != d.path || int64(len(content)) != d.size || f.Size != d.size {
			t.Errorf("%s: got path %s and %d bytes (Size %d), want %s and %d", d.path, f.SourcePath, len(content), f.Size, d.path, d.size)
		}
		if err := r.CommitMessages(ctx, msg); err != nil {
			t.Fatalf("commit %s: %v", d.path, err)
		}
	}
	consumed := time.Since(start)
	for _, d := range want {
		t.Errorf("%s: not consumed", d.path)
	}
	t.Logf("%d filings, %.1f MB, %d by blob reference (over %d bytes): published in %v, consumed and verified in %v",
		len(docs), float64(totalBytes)/1e6, byBlob, cfg.InlineLimit, published, consumed)
}
