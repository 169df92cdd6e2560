package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// HeaderResultBlob names the blob that holds the result JSON of a
// filings.extracted message whose value is empty. Its value is "sha256:"
// followed by the lowercase hex SHA-256 of the JSON.
const HeaderResultBlob = "finx-result-blob"

// DefaultResultInlineLimit is 512 KiB, the inline limit of filings too: a
// larger result travels by blob reference.
const DefaultResultInlineLimit = 512 << 10

// BlobPutter stores content and returns its reference, "sha256:" followed by
// the lowercase hex SHA-256 of the content. *blob.Store satisfies it.
type BlobPutter interface {
	Put(ctx context.Context, data []byte) (ref string, err error)
}

// BlobGetter returns the content stored under a reference. Its errors should
// match fs.ErrNotExist when the reference is unknown, and have a Corrupt()
// bool method that returns true when the stored bytes do not hash to the
// reference, so that the dead letter gets a precise reason. *blob.Store
// satisfies it. The load stage checks the hash of the returned bytes itself
// as well.
type BlobGetter interface {
	Get(ctx context.Context, ref string) ([]byte, error)
}

// Dead-letter reasons of results that travel by reference. They equal the
// reasons that connectors/kafka gives filings, so that one query finds both.
const (
	reasonInvalidResult   = "invalid_result"
	reasonNoBlobStore     = "no_blob_store"
	reasonBlobMissing     = "blob_missing"
	reasonBlobCorrupt     = "blob_corrupt"
	reasonBlobUnavailable = "blob_unavailable"
	reasonBlobPutFailed   = "blob_put_failed"
)

// resultError reports a filings.extracted message that the load stage
// cannot turn into a result, with the dead-letter reason.
type resultError struct {
	reason string
	err    error
}

func (e *resultError) Error() string  { return e.err.Error() }
func (e *resultError) Unwrap() error  { return e.err }
func (e *resultError) Reason() string { return e.reason }

// resultMessage returns the filings.extracted message of one encoded result.
// A result over the inline limit is stored in s.Blobs first and the message
// carries only HeaderResultBlob, so that the reference never reaches the
// topic before its blob is stored. Without a blob store every result travels
// inline, as it did before blob references existed.
func (s *ExtractStage) resultMessage(ctx context.Context, docID string, value []byte) (kafka.Message, error) {
	msg := kafka.Message{
		Key:     []byte(docID),
		Value:   value,
		Headers: []kafka.Header{{Key: HeaderSchema, Value: []byte(schemas.SchemaResult)}},
	}
	limit := s.ResultInlineLimit
	if limit <= 0 {
		limit = DefaultResultInlineLimit
	}
	if len(value) <= limit || s.Blobs == nil {
		return msg, nil
	}

	ref, err := s.Blobs.Put(ctx, value)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("pipeline: store result blob (%d bytes): %w", len(value), err)
	}
	if want := contentRef(value); ref != want {
		return kafka.Message{}, fmt.Errorf("pipeline: store result blob: blob store returned ref %s, want %s", ref, want)
	}
	msg.Value = nil
	msg.Headers = append(msg.Headers, kafka.Header{Key: HeaderResultBlob, Value: []byte(ref)})
	return msg, nil
}

// resultJSON returns the result JSON of a filings.extracted message: its
// value, or the blob that HeaderResultBlob names. Every error is a
// *resultError with the dead-letter reason.
func resultJSON(ctx context.Context, blobs BlobGetter, msg kafka.Message) ([]byte, error) {
	at := fmt.Sprintf("message %s/%d@%d", msg.Topic, msg.Partition, msg.Offset)
	fail := func(reason string, err error) ([]byte, error) {
		return nil, &resultError{reason: reason, err: fmt.Errorf("%s: %w", at, err)}
	}

	var refs []string
	for _, h := range msg.Headers {
		if h.Key == HeaderResultBlob {
			refs = append(refs, string(h.Value))
		}
	}
	switch len(refs) {
	case 0:
		return msg.Value, nil
	case 1:
	default:
		return fail(reasonInvalidResult, fmt.Errorf("%d %s headers, want at most 1", len(refs), HeaderResultBlob))
	}

	ref := refs[0]
	if !validRef(ref) {
		return fail(reasonInvalidResult, fmt.Errorf("invalid %s header %.80q: want sha256: and 64 lowercase hex digits", HeaderResultBlob, ref))
	}
	if len(msg.Value) != 0 {
		return fail(reasonInvalidResult, fmt.Errorf("value has %d bytes although header %s names blob %s", len(msg.Value), HeaderResultBlob, ref))
	}
	if blobs == nil {
		return fail(reasonNoBlobStore, fmt.Errorf("result is in blob %s but the load stage has no blob store; start it with the blob folder of the extract stage", ref))
	}
	data, err := blobs.Get(ctx, ref)
	if err != nil {
		return fail(getReason(err), fmt.Errorf("get result blob %s: %w", ref, err))
	}
	// The store checks the hash too, but BlobGetter does not promise it.
	if got := contentRef(data); got != ref {
		return fail(reasonBlobCorrupt, fmt.Errorf("result blob %s contains %d bytes that hash to %s", ref, len(data), got))
	}
	return data, nil
}

// getReason classifies a BlobGetter error as its contract describes.
func getReason(err error) string {
	var corrupt interface{ Corrupt() bool }
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return reasonBlobMissing
	case errors.As(err, &corrupt) && corrupt.Corrupt():
		return reasonBlobCorrupt
	}
	return reasonBlobUnavailable
}

func contentRef(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func validRef(ref string) bool {
	digest, ok := strings.CutPrefix(ref, "sha256:")
	if !ok || len(digest) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(digest); i++ {
		c := digest[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
