package kafka

import (
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// idleTimeout closes broker connections that a writer left unused.
const idleTimeout = 30 * time.Second

// NewReader returns a consumer group reader of one topic:
//
//   - A group with no committed offset starts at the earliest offset, so a
//     stage started after its producer still receives every message.
//   - Commits are synchronous (CommitInterval 0): CommitMessages returns
//     after the broker stored the offset, and nothing is committed unless
//     the caller commits, which it does after the downstream write.
//     Uncommitted messages are delivered again to the next member that
//     reads the partition.
//   - A fetch waits at most MaxWait for new records, and fetches up to
//     MaxMessageBytes, so the largest message allowed by the writers fits.
//
// The reader reads cfg.Topic(topic), so topic is a name without the
// TopicPrefix. cfg gets its defaults here. NewReader panics, as
// kafkago.NewReader does, when groupID or topic is empty or cfg has no
// brokers; call cfg.Validate first. The caller must Close the reader, which
// also leaves the group so that the next member is assigned its partitions
// at once.
//
// NOTE: call CommitMessages only before Close. After Close, kafka-go v0.4.51
// may queue the commit and wait for ctx to be done instead of returning
// io.ErrClosedPipe.
func NewReader(cfg Config, groupID, topic string) *kafkago.Reader {
	cfg = cfg.WithDefaults()
	if groupID == "" {
		panic("kafka: NewReader: empty group id")
	}
	info, errs := kafkaLoggers(cfg.Logger)
	return kafkago.NewReader(kafkago.ReaderConfig{
		Brokers: cfg.Brokers,
		GroupID: groupID,
		Topic:   cfg.Topic(topic),
		Dialer: &kafkago.Dialer{
			ClientID:  cfg.ClientID,
			Timeout:   cfg.DialTimeout,
			DualStack: true,
		},
		MinBytes:          1,
		MaxBytes:          cfg.MaxMessageBytes,
		MaxWait:           cfg.MaxWait,
		HeartbeatInterval: cfg.HeartbeatInterval,
		CommitInterval:    0,
		SessionTimeout:    cfg.SessionTimeout,
		RebalanceTimeout:  cfg.RebalanceTimeout,
		JoinGroupBackoff:  cfg.JoinGroupBackoff,
		StartOffset:       kafkago.FirstOffset,
		MaxAttempts:       cfg.MaxAttempts,
		Logger:            info,
		ErrorLogger:       errs,
	})
}
