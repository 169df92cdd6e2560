package kafka

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// HeaderFiling is the message header that carries the schemas.Filing
// envelope as JSON, valid against the filing schema.
const HeaderFiling = "finx-filing"

// BlobPutter stores content and returns its reference, "sha256:" followed by
// the lowercase hex SHA-256 of the content. *blob.Store satisfies it.
type BlobPutter interface {
	Put(ctx context.Context, data []byte) (ref string, err error)
}

// BlobGetter returns the content stored under a reference. For a precise
// dead-letter reason its errors should match fs.ErrNotExist when the
// reference is unknown, and have a Corrupt() bool method that returns true
// when the stored bytes do not hash to the reference. *blob.Store satisfies
// it. DecodeFiling checks the returned bytes itself as well.
type BlobGetter interface {
	Get(ctx context.Context, ref string) ([]byte, error)
}

// EncodeFiling returns the filings.raw message of one filing. The key is the
// DocID and HeaderFiling carries the envelope. Content of at most
// inlineLimit bytes travels in the value, and larger content is stored with
// blobs and travels as Filing.BlobRef with an empty value. A non-positive
// inlineLimit means DefaultInlineLimit.
//
// EncodeFiling fills the empty DocID (the SHA-256 of content), Size and
// PublishedAt (now, UTC) of f, and returns ErrInvalidFiling when a DocID or
// Size that f sets disagrees with content. blobs may be nil when content
// fits inline.
func EncodeFiling(ctx context.Context, f schemas.Filing, content []byte, inlineLimit int, blobs BlobPutter) (kafkago.Message, error) {
	if inlineLimit <= 0 {
		inlineLimit = DefaultInlineLimit
	}
	docID := contentID(content)
	switch {
	case f.DocID == "":
		f.DocID = docID
	case f.DocID != docID:
		return kafkago.Message{}, fmt.Errorf("%w: %s: DocID %s is not the SHA-256 of the content (%s)", ErrInvalidFiling, f.SourcePath, f.DocID, docID)
	}
	switch {
	case f.Size == 0:
		f.Size = int64(len(content))
	case f.Size != int64(len(content)):
		return kafkago.Message{}, fmt.Errorf("%w: %s: Size %d, content has %d bytes", ErrInvalidFiling, f.SourcePath, f.Size, len(content))
	}
	if f.PublishedAt.IsZero() {
		f.PublishedAt = time.Now().UTC()
	}

	value := content
	f.BlobRef = ""
	if len(content) > inlineLimit {
		ref, err := putBlob(ctx, blobs, f, content)
		if err != nil {
			return kafkago.Message{}, err
		}
		f.BlobRef = ref
		value = nil
	}

	envelope, err := schemas.Marshal(schemas.SchemaFiling, f)
	if err != nil {
		return kafkago.Message{}, fmt.Errorf("%w: %s: %w", ErrInvalidFiling, f.SourcePath, err)
	}
	return kafkago.Message{
		Key:     []byte(f.DocID),
		Value:   value,
		Headers: []kafkago.Header{{Key: HeaderFiling, Value: envelope}},
	}, nil
}

func putBlob(ctx context.Context, blobs BlobPutter, f schemas.Filing, content []byte) (string, error) {
	if blobs == nil {
		return "", fmt.Errorf("%w: %s has %d bytes, more than the inline limit", ErrNoBlobStore, f.SourcePath, len(content))
	}
	ref, err := blobs.Put(ctx, content)
	if err != nil {
		return "", fmt.Errorf("kafka: store blob of %s (%s): %w", f.SourcePath, f.DocID, err)
	}
	if want := blobRef(f.DocID); ref != want {
		return "", fmt.Errorf("kafka: store blob of %s: blob store returned ref %s, want %s", f.SourcePath, ref, want)
	}
	return ref, nil
}

// DecodeFiling reads a filings.raw message back into its envelope and
// content, fetching the content from blobs when the envelope names a blob.
// It checks that the key equals the DocID and that the content hashes to the
// DocID and has Size bytes. Every error is a *DecodeError that names the
// message and gives a Reason for the dead letter. The envelope is returned
// with it as far as it was read, so that the dead letter can name the
// document. blobs may be nil when no message refers to a blob.
func DecodeFiling(ctx context.Context, msg kafkago.Message, blobs BlobGetter) (schemas.Filing, []byte, error) {
	var f schemas.Filing
	fail := func(reason string, err error) (schemas.Filing, []byte, error) {
		return f, nil, &DecodeError{
			Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset,
			DocID: f.DocID, SourcePath: f.SourcePath, reason: reason, Err: err,
		}
	}

	f, reason, err := readEnvelope(msg)
	if err != nil {
		return fail(reason, err)
	}
	if key := string(msg.Key); key != f.DocID {
		return fail(ReasonKeyMismatch, fmt.Errorf("message key %q differs from DocID", key))
	}

	content := msg.Value
	if f.BlobRef != "" {
		if len(msg.Value) != 0 {
			return fail(ReasonInvalidEnvelope, fmt.Errorf("value has %d bytes although the envelope names blob %s", len(msg.Value), f.BlobRef))
		}
		if want := blobRef(f.DocID); f.BlobRef != want {
			return fail(ReasonInvalidEnvelope, fmt.Errorf("blob ref %s, want %s", f.BlobRef, want))
		}
		if blobs == nil {
			return fail(ReasonNoBlobStore, fmt.Errorf("%w to fetch %s", ErrNoBlobStore, f.BlobRef))
		}
		content, err = blobs.Get(ctx, f.BlobRef)
		if err != nil {
			return fail(blobReason(err), fmt.Errorf("get %s: %w", f.BlobRef, err))
		}
	}

	// Bytes from a blob that fail these checks mean a damaged store, since
	// the reference was checked against the DocID above.
	mismatch := ReasonContentMismatch
	if f.BlobRef != "" {
		mismatch = ReasonBlobCorrupt
	}
	if int64(len(content)) != f.Size {
		return fail(mismatch, fmt.Errorf("content has %d bytes, envelope Size is %d", len(content), f.Size))
	}
	if id := contentID(content); id != f.DocID {
		return fail(mismatch, fmt.Errorf("content hashes to %s", id))
	}
	return f, content, nil
}

// readEnvelope decodes and validates the HeaderFiling header.
func readEnvelope(msg kafkago.Message) (schemas.Filing, string, error) {
	var raw []byte
	n := 0
	for _, h := range msg.Headers {
		if h.Key == HeaderFiling {
			raw = h.Value
			n++
		}
	}
	switch n {
	case 0:
		return schemas.Filing{}, ReasonMissingEnvelope, fmt.Errorf("no %s header", HeaderFiling)
	case 1:
	default:
		return schemas.Filing{}, ReasonInvalidEnvelope, fmt.Errorf("%d %s headers, want 1", n, HeaderFiling)
	}

	if err := schemas.ValidateJSON(schemas.SchemaFiling, raw); err != nil {
		return schemas.Filing{}, ReasonInvalidEnvelope, err
	}
	var f schemas.Filing
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return schemas.Filing{}, ReasonInvalidEnvelope, fmt.Errorf("decode %s header: %w", HeaderFiling, err)
	}
	return f, "", nil
}

// blobReason classifies a BlobGetter error without importing the blob
// package: see the BlobGetter contract.
func blobReason(err error) string {
	var corrupt interface{ Corrupt() bool }
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ReasonBlobMissing
	case errors.As(err, &corrupt) && corrupt.Corrupt():
		return ReasonBlobCorrupt
	}
	return ReasonBlobUnavailable
}

// contentID returns the lowercase hex SHA-256 of content, the DocID.
func contentID(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

func blobRef(docID string) string { return "sha256:" + docID }
