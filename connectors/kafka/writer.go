package kafka

import (
	kafkago "github.com/segmentio/kafka-go"
)

// NewWriter returns a writer to one topic, configured so that each
// WriteMessages call returns only after every in-sync replica has the
// messages:
//
//   - RequiredAcks is RequireAll and Async is false, so the caller sees each
//     produce error and may commit its input offset afterwards.
//   - The key picks the partition with the murmur2 hash that the Java client
//     uses, so all messages of one document land on one partition in order.
//   - A produce is attempted up to MaxAttempts times with a backoff between
//     BackoffMin and BackoffMax, after which WriteMessages returns the error
//     (kafkago.WriteErrors for per-message failures).
//   - Missing topics are an error, not created on the fly: call EnsureTopics
//     first.
//
// The writer writes to cfg.Topic(topic), so topic is a name without the
// TopicPrefix. cfg gets its defaults here. NewWriter does not connect; the
// first write does. An invalid Compression falls back to none, so call
// cfg.Validate first. The caller must Close the writer.
func NewWriter(cfg Config, topic string) *kafkago.Writer {
	cfg = cfg.WithDefaults()
	codec, err := compressionCodec(cfg.Compression)
	if err != nil {
		codec = 0
	}
	info, errs := kafkaLoggers(cfg.Logger)
	return &kafkago.Writer{
		Addr:            kafkago.TCP(cfg.Brokers...),
		Topic:           cfg.Topic(topic),
		Balancer:        kafkago.Murmur2Balancer{},
		MaxAttempts:     cfg.MaxAttempts,
		WriteBackoffMin: cfg.BackoffMin,
		WriteBackoffMax: cfg.BackoffMax,
		// BatchBytes counts uncompressed bytes; a larger single message
		// fails with kafkago.MessageTooLargeError before it is sent.
		BatchBytes:   int64(cfg.MaxMessageBytes),
		BatchTimeout: cfg.BatchTimeout,
		ReadTimeout:  cfg.IOTimeout,
		WriteTimeout: cfg.IOTimeout,
		RequiredAcks: kafkago.RequireAll,
		Async:        false,
		Compression:  codec,
		Logger:       info,
		ErrorLogger:  errs,
		// NOTE: Writer.Close does not close the idle connections of a
		// Transport it did not create; they close after IdleTimeout.
		Transport: &kafkago.Transport{
			ClientID:    cfg.ClientID,
			DialTimeout: cfg.DialTimeout,
			IdleTimeout: idleTimeout,
		},
		AllowAutoTopicCreation: false,
	}
}
