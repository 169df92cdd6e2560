package pipeline

import (
	"context"

	"github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// Consumer reads a topic as a member of a consumer group. *kafka.Reader
// satisfies it.
type Consumer interface {
	FetchMessage(ctx context.Context) (kafka.Message, error)
	CommitMessages(ctx context.Context, msgs ...kafka.Message) error
}

// Producer writes to one topic and returns only when the broker acknowledged
// every message. *kafka.Writer with Async false satisfies it.
type Producer interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// Sink stores extraction results and dead letters, in ClickHouse or in files.
// Write must be idempotent per result: the same result written twice leaves
// one row per item once the store has merged its versions.
type Sink interface {
	Write(ctx context.Context, results []*schemas.Result) error
	WriteDeadLetters(ctx context.Context, letters []schemas.DeadLetter) error
}

// Header names set on every message finx produces.
const (
	HeaderSchema = "finx-schema"
	HeaderStage  = "finx-stage"
)

func header(msg kafka.Message, key string) string {
	for _, h := range msg.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
