package kafka

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// memBlobs is an in-memory blob store that follows the BlobGetter error
// contract. It does not check hashes, so tests can make it return damaged
// bytes.
type memBlobs struct {
	mu    sync.Mutex
	blobs map[string][]byte
	err   error // returned by Get when set
	puts  int
}

func newMemBlobs() *memBlobs { return &memBlobs{blobs: make(map[string][]byte)} }

func (m *memBlobs) Put(_ context.Context, data []byte) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ref := blobRef(contentID(data))
	m.blobs[ref] = bytes.Clone(data)
	m.puts++
	return ref, nil
}

func (m *memBlobs) Get(_ context.Context, ref string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	data, ok := m.blobs[ref]
	if !ok {
		return nil, fmt.Errorf("memblobs: %s: %w", ref, fs.ErrNotExist)
	}
	return bytes.Clone(data), nil
}

// corruptErr has the Corrupt method that blob.CorruptError has.
type corruptErr struct{}

func (corruptErr) Error() string { return "stored bytes do not match the reference" }
func (corruptErr) Corrupt() bool { return true }

func testFiling() schemas.Filing {
	return schemas.Filing{
		SourcePath:  "testdata/example-10q.htm",
		MediaType:   schemas.MediaHTML,
		Form:        "10-Q",
		Company:     "Example Widgets Inc.",
		CIK:         "0000123456",
		Accession:   "0000123456-26-000042",
		FilingDate:  "2026-11-03",
		PublishedAt: time.Date(2026, 11, 4, 9, 30, 0, 0, time.UTC),
	}
}

func TestFilingRoundTripThroughKafka(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	if err := EnsureTopics(ctx, cfg, TopicRaw); err != nil {
		t.Fatal(err)
	}
	blobs := newMemBlobs()

	small := []byte("<html><body>Item 2. Management's Discussion and Analysis</body></html>")
	large := make([]byte, 2<<20)
	rand.Read(large)
	cases := []struct {
		name     string
		content  []byte
		wantBlob bool
	}{
		{"inline", small, false},
		{"empty", []byte{}, false},
		{"two megabytes by blob", large, true},
		{"one byte over the limit", bytes.Repeat([]byte("x"), cfg.InlineLimit+1), true},
		{"exactly the limit", bytes.Repeat([]byte("y"), cfg.InlineLimit), false},
	}

	w := NewWriter(cfg, TopicRaw)
	defer w.Close()
	want := make(map[string]schemas.Filing)
	contents := make(map[string][]byte)
	for _, c := range cases {
		f := testFiling()
		f.SourcePath = "testdata/" + strings.ReplaceAll(c.name, " ", "-")
		msg, err := EncodeFiling(ctx, f, c.content, cfg.InlineLimit, blobs)
		if err != nil {
			t.Fatalf("%s: EncodeFiling: %v", c.name, err)
		}
		if c.wantBlob && len(msg.Value) != 0 {
			t.Errorf("%s: got %d value bytes, want an empty value and a blob", c.name, len(msg.Value))
		}
		if !c.wantBlob && !bytes.Equal(msg.Value, c.content) {
			t.Errorf("%s: got %d value bytes, want the %d content bytes inline", c.name, len(msg.Value), len(c.content))
		}
		if err := w.WriteMessages(ctx, msg); err != nil {
			t.Fatalf("%s: write: %v", c.name, err)
		}
		f.DocID = contentID(c.content)
		f.Size = int64(len(c.content))
		if c.wantBlob {
			f.BlobRef = "sha256:" + f.DocID
		}
		want[f.DocID] = f
		contents[f.DocID] = c.content
	}

	r := NewReader(cfg, "filing-group", TopicRaw)
	defer r.Close()
	for _, msg := range fetchN(t, r, len(cases)) {
		f, content, err := DecodeFiling(ctx, msg, blobs)
		if err != nil {
			t.Fatalf("DecodeFiling at %d/%d: %v", msg.Partition, msg.Offset, err)
		}
		w, ok := want[f.DocID]
		if !ok {
			t.Fatalf("got unknown doc %s", f.DocID)
		}
		if !w.PublishedAt.Equal(f.PublishedAt) {
			t.Errorf("%s: got PublishedAt %v, want %v", w.SourcePath, f.PublishedAt, w.PublishedAt)
		}
		f.PublishedAt = w.PublishedAt
		if f != w {
			t.Errorf("%s: got envelope %+v, want %+v", w.SourcePath, f, w)
		}
		if !bytes.Equal(content, contents[f.DocID]) {
			t.Errorf("%s: got %d content bytes, want %d", w.SourcePath, len(content), len(contents[f.DocID]))
		}
	}
	if blobs.puts != 2 {
		t.Errorf("got %d blob puts, want 2 for the two filings over the limit", blobs.puts)
	}
}

func TestEncodeFilingFillsFields(t *testing.T) {
	content := []byte("EX-99.1 press release")
	f := testFiling()
	f.PublishedAt = time.Time{}
	before := time.Now()
	msg, err := EncodeFiling(context.Background(), f, content, 0, nil)
	if err != nil {
		t.Fatalf("EncodeFiling: %v", err)
	}
	got, _, err := DecodeFiling(context.Background(), msg, nil)
	if err != nil {
		t.Fatalf("DecodeFiling: %v", err)
	}
	if want := contentID(content); got.DocID != want || string(msg.Key) != want {
		t.Errorf("got DocID %s and key %s, want %s", got.DocID, msg.Key, want)
	}
	if got.Size != int64(len(content)) {
		t.Errorf("got Size %d, want %d", got.Size, len(content))
	}
	if got.PublishedAt.Before(before.Add(-time.Second)) || got.PublishedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("got PublishedAt %v, want about now", got.PublishedAt)
	}
}

func TestEncodeFilingErrors(t *testing.T) {
	content := []byte("Item 7. Management's Discussion")
	cases := []struct {
		name    string
		edit    func(*schemas.Filing)
		content []byte
		limit   int
		want    error
	}{
		{"wrong doc id", func(f *schemas.Filing) { f.DocID = strings.Repeat("0", 64) }, content, 0, ErrInvalidFiling},
		{"wrong size", func(f *schemas.Filing) { f.Size = 3 }, content, 0, ErrInvalidFiling},
		{"unknown media type", func(f *schemas.Filing) { f.MediaType = "image/png" }, content, 0, ErrInvalidFiling},
		{"missing source path", func(f *schemas.Filing) { f.SourcePath = "" }, content, 0, ErrInvalidFiling},
		{"over limit without blob store", func(*schemas.Filing) {}, content, 8, ErrNoBlobStore},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := testFiling()
			c.edit(&f)
			_, err := EncodeFiling(context.Background(), f, c.content, c.limit, nil)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// encodedMessage returns a filing message as a reader would return it.
func encodedMessage(t *testing.T, content []byte, limit int, blobs BlobPutter) kafkago.Message {
	t.Helper()
	msg, err := EncodeFiling(context.Background(), testFiling(), content, limit, blobs)
	if err != nil {
		t.Fatalf("EncodeFiling: %v", err)
	}
	msg.Topic, msg.Partition, msg.Offset = TopicRaw, 2, 417
	return msg
}

func TestDecodeFilingErrors(t *testing.T) {
	content := []byte("Item 1A. Risk Factors: supply of components")
	large := bytes.Repeat([]byte("segment revenue "), 100)
	const limit = 64

	cases := []struct {
		name          string
		msg           func(t *testing.T, blobs *memBlobs) kafkago.Message
		noStore       bool
		wantReason    string
		wantTemporary bool
	}{
		{"missing header", func(t *testing.T, _ *memBlobs) kafkago.Message {
			m := encodedMessage(t, content, 0, nil)
			m.Headers = nil
			return m
		}, false, ReasonMissingEnvelope, false},
		{"header not json", func(t *testing.T, _ *memBlobs) kafkago.Message {
			m := encodedMessage(t, content, 0, nil)
			m.Headers[0].Value = []byte("{not json")
			return m
		}, false, ReasonInvalidEnvelope, false},
		{"header fails schema", func(t *testing.T, _ *memBlobs) kafkago.Message {
			m := encodedMessage(t, content, 0, nil)
			m.Headers[0].Value = bytes.Replace(m.Headers[0].Value, []byte(`"text/html"`), []byte(`"image/png"`), 1)
			return m
		}, false, ReasonInvalidEnvelope, false},
		{"two headers", func(t *testing.T, _ *memBlobs) kafkago.Message {
			m := encodedMessage(t, content, 0, nil)
			m.Headers = append(m.Headers, m.Headers[0])
			return m
		}, false, ReasonInvalidEnvelope, false},
		{"key mismatch", func(t *testing.T, _ *memBlobs) kafkago.Message {
			m := encodedMessage(t, content, 0, nil)
			m.Key = []byte("another-doc")
			return m
		}, false, ReasonKeyMismatch, false},
		{"inline bytes changed", func(t *testing.T, _ *memBlobs) kafkago.Message {
			m := encodedMessage(t, content, 0, nil)
			m.Value = bytes.ToUpper(m.Value)
			return m
		}, false, ReasonContentMismatch, false},
		{"inline bytes truncated", func(t *testing.T, _ *memBlobs) kafkago.Message {
			m := encodedMessage(t, content, 0, nil)
			m.Value = m.Value[:len(m.Value)-1]
			return m
		}, false, ReasonContentMismatch, false},
		{"value beside blob ref", func(t *testing.T, b *memBlobs) kafkago.Message {
			m := encodedMessage(t, large, limit, b)
			m.Value = []byte("unexpected")
			return m
		}, false, ReasonInvalidEnvelope, false},
		{"blob ref of another document", func(t *testing.T, b *memBlobs) kafkago.Message {
			m := encodedMessage(t, large, limit, b)
			return withBlobRef(t, m, "sha256:"+strings.Repeat("0", 64))
		}, false, ReasonInvalidEnvelope, false},
		{"no blob store", func(t *testing.T, b *memBlobs) kafkago.Message {
			return encodedMessage(t, large, limit, b)
		}, true, ReasonNoBlobStore, false},
		{"blob missing", func(t *testing.T, b *memBlobs) kafkago.Message {
			m := encodedMessage(t, large, limit, b)
			clear(b.blobs)
			return m
		}, false, ReasonBlobMissing, false},
		{"blob bytes changed", func(t *testing.T, b *memBlobs) kafkago.Message {
			m := encodedMessage(t, large, limit, b)
			for _, data := range b.blobs {
				data[10] ^= 0xff
			}
			return m
		}, false, ReasonBlobCorrupt, false},
		{"blob truncated", func(t *testing.T, b *memBlobs) kafkago.Message {
			m := encodedMessage(t, large, limit, b)
			for ref, data := range b.blobs {
				b.blobs[ref] = data[:len(data)/2]
			}
			return m
		}, false, ReasonBlobCorrupt, false},
		{"store reports corrupt", func(t *testing.T, b *memBlobs) kafkago.Message {
			m := encodedMessage(t, large, limit, b)
			b.err = fmt.Errorf("read blob: %w", corruptErr{})
			return m
		}, false, ReasonBlobCorrupt, false},
		{"store unavailable", func(t *testing.T, b *memBlobs) kafkago.Message {
			m := encodedMessage(t, large, limit, b)
			b.err = errors.New("read blob: input/output error")
			return m
		}, false, ReasonBlobUnavailable, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blobs := newMemBlobs()
			msg := c.msg(t, blobs)
			var getter BlobGetter = blobs
			if c.noStore {
				getter = nil
			}
			_, _, err := DecodeFiling(context.Background(), msg, getter)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want *DecodeError", err)
			}
			if de.Reason() != c.wantReason {
				t.Errorf("got reason %s, want %s (error: %v)", de.Reason(), c.wantReason, err)
			}
			if de.Temporary() != c.wantTemporary {
				t.Errorf("got Temporary() %v, want %v", de.Temporary(), c.wantTemporary)
			}
			if !strings.Contains(err.Error(), "filings.raw/2/417") {
				t.Errorf("got %q, want the error to name filings.raw/2/417", err)
			}
		})
	}
}

func TestDecodeErrorNamesDocument(t *testing.T) {
	content := []byte("Item 2.02 Results of Operations")
	msg := encodedMessage(t, content, 0, nil)
	msg.Value = []byte("changed")
	_, _, err := DecodeFiling(context.Background(), msg, nil)
	if err == nil {
		t.Fatal("got nil error for changed content, want a DecodeError")
	}
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("got %T, want *DecodeError", err)
	}
	if want := contentID(content); de.DocID != want || !strings.Contains(err.Error(), want) {
		t.Errorf("got DocID %q in %q, want %s", de.DocID, err, want)
	}
	if want := testFiling().SourcePath; de.SourcePath != want {
		t.Errorf("got SourcePath %q, want %q", de.SourcePath, want)
	}
}

// withBlobRef returns msg with the envelope's BlobRef replaced.
func withBlobRef(t *testing.T, msg kafkago.Message, ref string) kafkago.Message {
	t.Helper()
	var f schemas.Filing
	if err := json.Unmarshal(msg.Headers[0].Value, &f); err != nil {
		t.Fatalf("decode envelope: %v", err)
	}
	f.BlobRef = ref
	envelope, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	msg.Headers = []kafkago.Header{{Key: HeaderFiling, Value: envelope}}
	return msg
}

// misaddressedBlobs returns a reference that is not the SHA-256 of the data.
type misaddressedBlobs struct{}

func (misaddressedBlobs) Put(context.Context, []byte) (string, error) {
	return "sha256:" + strings.Repeat("f", 64), nil
}

func TestEncodeFilingChecksBlobRef(t *testing.T) {
	content := bytes.Repeat([]byte("z"), 100)
	_, err := EncodeFiling(context.Background(), testFiling(), content, 10, misaddressedBlobs{})
	if err == nil || !strings.Contains(err.Error(), "want sha256:"+contentID(content)) {
		t.Fatalf("got %v, want an error naming the expected ref", err)
	}
}
