package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/segmentio/kafka-go"
)

func TestIsTemporary(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("bad row"), false},
		{"refused connection", refused, true},
		{"wrapped refused connection", fmt.Errorf("produce: %w", refused), true},
		{"closed connection", fmt.Errorf("commit: %w", net.ErrClosed), true},
		{"reset", syscall.ECONNRESET, true},
		{"eof", io.ErrUnexpectedEOF, true},
		{"deadline", context.DeadlineExceeded, true},
		{"canceled", context.Canceled, false},
		{"kafka temporary code", kafka.NotLeaderForPartition, true},
		{"kafka permanent code", kafka.MessageSizeTooLarge, false},
		{"write errors all temporary", kafka.WriteErrors{nil, refused, kafka.LeaderNotAvailable}, true},
		{"write errors one permanent", kafka.WriteErrors{refused, kafka.MessageSizeTooLarge}, false},
		{"write errors empty", kafka.WriteErrors{nil}, false},
		{"temporary method", tempErr{}, true},
		{"permanent method", permanentErr{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTemporary(tt.err); got != tt.want {
				t.Errorf("IsTemporary(%v): got %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// flakyConsumer fails its first fetches with err, then serves the inner
// consumer.
type flakyConsumer struct {
	*fakeConsumer
	err   error
	fails int
	calls int
}

func (c *flakyConsumer) FetchMessage(ctx context.Context) (kafka.Message, error) {
	c.calls++
	if c.calls <= c.fails {
		return kafka.Message{}, c.err
	}
	return c.fakeConsumer.FetchMessage(ctx)
}

func TestFetchWaitsOutBroker(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantErr   error
		wantCalls int
	}{
		{"temporary errors retried", tempErr{}, nil, 6},
		{"closed reader ends the fetch", io.EOF, errClosed, 1},
		{"permanent error ends the fetch", permanentErr{}, permanentErr{}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &flakyConsumer{fakeConsumer: newFakeConsumer("filings.raw", []byte("a")), err: tt.err, fails: 5}
			msg, err := fetch(context.Background(), nil, fastBackoff, c)
			if tt.wantErr == nil && (err != nil || string(msg.Value) != "a") {
				t.Errorf("got %q and %v, want message a", msg.Value, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
			if c.calls != tt.wantCalls {
				t.Errorf("fetch calls: got %d, want %d", c.calls, tt.wantCalls)
			}
		})
	}
}
