package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// Sentinel errors.
var (
	// ErrInvalidConfig wraps every error that Config.Validate returns, and
	// the error of NewFileSinkDatabase for an invalid database name.
	ErrInvalidConfig = errors.New("clickhouse: invalid config")
	// ErrClosed is returned by Write and WriteDeadLetters after Close.
	ErrClosed = errors.New("clickhouse: sink closed")
	// ErrMissingDocID is returned for a result without a document id.
	ErrMissingDocID = errors.New("clickhouse: missing doc_id")
)

// WriteError reports a failed INSERT: the table, and the documents of the
// Write or WriteDeadLetters call that sent it. Rows of earlier tables in the
// same call may have been inserted. Writing the same results again is safe, because
// ReplacingMergeTree keeps one row per key.
type WriteError struct {
	Table  string
	DocIDs []string
	Err    error
}

// maxDocIDsInMessage bounds the ids listed in WriteError.Error; DocIDs holds
// all of them.
const maxDocIDsInMessage = 5

func (e *WriteError) Error() string {
	ids := e.DocIDs
	more := ""
	if len(ids) > maxDocIDsInMessage {
		more = fmt.Sprintf(" and %d more", len(ids)-maxDocIDsInMessage)
		ids = ids[:maxDocIDsInMessage]
	}
	return fmt.Sprintf("clickhouse: insert into %s for doc_id %s%s: %v", e.Table, strings.Join(ids, ", "), more, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// Temporary reports whether writing again may succeed: network failures,
// timeouts and server exceptions for overload or lost connections.
func (e *WriteError) Temporary() bool { return isTemporary(e.Err) }

// temporaryCodes are ClickHouse exception codes for conditions that may clear
// before a retry, with their names in ch-go proto/error_codes.go: 159 TIMEOUT_EXCEEDED,
// 202 TOO_MANY_SIMULTANEOUS_QUERIES, 209 SOCKET_TIMEOUT, 210 NETWORK_ERROR,
// 241 MEMORY_LIMIT_EXCEEDED, 252 TOO_MANY_PARTS, 319 UNKNOWN_STATUS_OF_INSERT,
// 425 SYSTEM_ERROR.
var temporaryCodes = map[int32]bool{159: true, 202: true, 209: true, 210: true, 241: true, 252: true, 319: true, 425: true}

func isTemporary(err error) bool {
	var exc *ch.Exception
	if errors.As(err, &exc) {
		return temporaryCodes[exc.Code]
	}
	if errors.Is(err, ch.ErrAcquireConnTimeout) || errors.Is(err, ch.ErrConnectionClosed) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}
