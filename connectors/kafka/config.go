package kafka

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Topics that finx stages read and write.
const (
	// TopicRaw carries one message per filing: a schemas.Filing envelope in
	// the headers and the content in the value or the blob store.
	TopicRaw = "filings.raw"
	// TopicExtracted carries one schemas.Result per document.
	TopicExtracted = "filings.extracted"
	// TopicRiskFlags carries one schemas.RiskFlag per alert, keyed by company.
	TopicRiskFlags = "risk.flags"
	// TopicDLQ carries one schemas.DeadLetter per message that failed for good.
	TopicDLQ = "filings.dlq"
)

// Topics returns every finx topic, for EnsureTopics.
func Topics() []string {
	return []string{TopicRaw, TopicExtracted, TopicRiskFlags, TopicDLQ}
}

// Defaults applied by Config.WithDefaults to zero fields.
const (
	DefaultClientID          = "finx"
	DefaultPartitions        = 3
	DefaultReplicationFactor = 1
	// DefaultInlineLimit is 512 KiB: larger filings travel by blob reference.
	DefaultInlineLimit = 512 << 10
	// DefaultMaxMessageBytes is 8 MiB. It bounds one produce batch, one fetch
	// and the topics' max.message.bytes. An extraction result of a few hundred
	// KB of JSON fits with room to spare.
	DefaultMaxMessageBytes = 8 << 20
	DefaultCompression     = "zstd"
	// DefaultBatchTimeout is short because stages write one message at a
	// time and wait for it. kafka-go sends a batch when it holds 100
	// messages or BatchTimeout has passed, so a one-message write takes at
	// least BatchTimeout, and kafka-go's own default of 1 s would make it a
	// second.
	DefaultBatchTimeout = time.Millisecond
	DefaultMaxAttempts  = 5
	DefaultBackoffMin   = 100 * time.Millisecond
	DefaultBackoffMax   = 2 * time.Second
	DefaultDialTimeout  = 5 * time.Second
	// DefaultIOTimeout bounds one produce request, acknowledgement included.
	DefaultIOTimeout = 10 * time.Second
	// DefaultMaxWait is the longest a fetch waits on the broker for new
	// records. A fetch returns as soon as one record arrives, so MaxWait sets
	// the rate of empty fetches on an idle topic, not the delivery latency.
	DefaultMaxWait = 250 * time.Millisecond
	// DefaultHeartbeatInterval, DefaultSessionTimeout and
	// DefaultRebalanceTimeout suit one process running every stage. Members
	// learn of a rebalance at their next heartbeat, so the interval bounds
	// how long a joining member waits for partitions. A member that stops
	// heartbeating is dropped after 6 s, the minimum that Apache Kafka
	// accepts by default (group.min.session.timeout.ms).
	DefaultHeartbeatInterval = 500 * time.Millisecond
	DefaultSessionTimeout    = 6 * time.Second
	DefaultRebalanceTimeout  = 5 * time.Second
	// DefaultJoinGroupBackoff is the wait before rejoining a group after a
	// failed join. kafka-go's own default is 5 s.
	DefaultJoinGroupBackoff = 500 * time.Millisecond
)

// Config configures the writers, readers and topics of finx. The zero value
// of each field means its default. WithDefaults applies the defaults and
// Validate checks the result.
type Config struct {
	// Brokers are the bootstrap addresses, host:port each.
	Brokers []string
	// TopicPrefix starts the name of every topic that NewReader, NewWriter
	// and EnsureTopics use, so that several pipelines, or tests, can share
	// one cluster: with prefix "t1." the extract stage reads t1.filings.raw.
	// Default empty. It may hold ASCII letters, digits, '.', '_' and '-'.
	TopicPrefix string
	// ClientID names this process to the brokers. Default "finx".
	ClientID string
	// Partitions is the partition count of topics that EnsureTopics
	// creates. Default 3.
	Partitions int
	// ReplicationFactor of topics that EnsureTopics creates. Default 1.
	ReplicationFactor int
	// InlineLimit is the largest filing in bytes that travels in the
	// message value. Larger ones go to the blob store. Default 512 KiB.
	InlineLimit int
	// MaxMessageBytes is the largest message in bytes, headers included,
	// that writers send and readers fetch, and the max.message.bytes of
	// topics that EnsureTopics creates. Default 8 MiB. It must exceed
	// InlineLimit, and the broker must accept it (see StartEmbedded).
	MaxMessageBytes int
	// Compression is the codec of produced batches: none, gzip, snappy,
	// lz4 or zstd. Default zstd.
	Compression string
	// BatchTimeout is how long a writer waits to fill a batch. Default 1 ms.
	BatchTimeout time.Duration
	// MaxAttempts is the maximum number of attempts of one produce, and of
	// one dial by a reader. Default 5.
	MaxAttempts int
	// BackoffMin and BackoffMax bound the wait between produce attempts.
	// Defaults 100 ms and 2 s.
	BackoffMin time.Duration
	BackoffMax time.Duration
	// DialTimeout bounds one broker connection attempt. Default 5 s.
	DialTimeout time.Duration
	// IOTimeout bounds one produce request and its acknowledgement, and
	// each request that EnsureTopics sends. Default 10 s.
	IOTimeout time.Duration
	// MaxWait is the longest one fetch waits on the broker for new
	// records. Default 250 ms.
	MaxWait time.Duration
	// HeartbeatInterval, SessionTimeout and RebalanceTimeout configure the
	// consumer group membership. Defaults 500 ms, 6 s and 5 s. The broker
	// rejects a session timeout outside its group.min.session.timeout.ms
	// and group.max.session.timeout.ms (6 s and 30 min on Apache Kafka).
	HeartbeatInterval time.Duration
	SessionTimeout    time.Duration
	RebalanceTimeout  time.Duration
	// JoinGroupBackoff is the wait before rejoining a consumer group after a
	// failed join. Default 500 ms.
	JoinGroupBackoff time.Duration
	// Logger receives kafka-go's messages: its informational ones at debug
	// level and its errors at warn level. Nil discards them.
	Logger *slog.Logger
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	setDefault(&c.ClientID, DefaultClientID)
	setDefault(&c.Partitions, DefaultPartitions)
	setDefault(&c.ReplicationFactor, DefaultReplicationFactor)
	setDefault(&c.InlineLimit, DefaultInlineLimit)
	setDefault(&c.MaxMessageBytes, DefaultMaxMessageBytes)
	setDefault(&c.Compression, DefaultCompression)
	setDefault(&c.BatchTimeout, DefaultBatchTimeout)
	setDefault(&c.MaxAttempts, DefaultMaxAttempts)
	setDefault(&c.BackoffMin, DefaultBackoffMin)
	setDefault(&c.BackoffMax, DefaultBackoffMax)
	setDefault(&c.DialTimeout, DefaultDialTimeout)
	setDefault(&c.IOTimeout, DefaultIOTimeout)
	setDefault(&c.MaxWait, DefaultMaxWait)
	setDefault(&c.HeartbeatInterval, DefaultHeartbeatInterval)
	setDefault(&c.SessionTimeout, DefaultSessionTimeout)
	setDefault(&c.RebalanceTimeout, DefaultRebalanceTimeout)
	setDefault(&c.JoinGroupBackoff, DefaultJoinGroupBackoff)
	c.Brokers = append([]string(nil), c.Brokers...)
	return c
}

func setDefault[T comparable](field *T, value T) {
	var zero T
	if *field == zero {
		*field = value
	}
}

// envelopeHeadroom is room in a message for the key and headers, which
// carry the filing envelope as JSON (a few hundred bytes).
const envelopeHeadroom = 64 << 10

// Validate checks a configuration after WithDefaults and names the first bad
// field.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("kafka: config: Brokers is empty, want at least one host:port")
	}
	for _, b := range c.Brokers {
		host, port, err := net.SplitHostPort(b)
		if err != nil || host == "" {
			return fmt.Errorf("kafka: config: invalid broker address %q, want host:port", b)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("kafka: config: invalid port in broker address %q, want 1 to 65535", b)
		}
	}
	positive := []struct {
		name  string
		value int64
	}{
		{"Partitions", int64(c.Partitions)},
		{"ReplicationFactor", int64(c.ReplicationFactor)},
		{"InlineLimit", int64(c.InlineLimit)},
		{"MaxMessageBytes", int64(c.MaxMessageBytes)},
		{"MaxAttempts", int64(c.MaxAttempts)},
		{"BatchTimeout", int64(c.BatchTimeout)},
		{"BackoffMin", int64(c.BackoffMin)},
		{"BackoffMax", int64(c.BackoffMax)},
		{"DialTimeout", int64(c.DialTimeout)},
		{"IOTimeout", int64(c.IOTimeout)},
		{"MaxWait", int64(c.MaxWait)},
		{"HeartbeatInterval", int64(c.HeartbeatInterval)},
		{"SessionTimeout", int64(c.SessionTimeout)},
		{"RebalanceTimeout", int64(c.RebalanceTimeout)},
		{"JoinGroupBackoff", int64(c.JoinGroupBackoff)},
	}
	for _, p := range positive {
		if p.value <= 0 {
			return fmt.Errorf("kafka: config: %s is %d, want > 0 (zero means the default after WithDefaults)", p.name, p.value)
		}
	}
	if c.InlineLimit+envelopeHeadroom > c.MaxMessageBytes {
		return fmt.Errorf("kafka: config: InlineLimit %d plus %d bytes for headers exceeds MaxMessageBytes %d",
			c.InlineLimit, envelopeHeadroom, c.MaxMessageBytes)
	}
	if c.BackoffMin > c.BackoffMax {
		return fmt.Errorf("kafka: config: BackoffMin %v exceeds BackoffMax %v", c.BackoffMin, c.BackoffMax)
	}
	if c.HeartbeatInterval >= c.SessionTimeout {
		return fmt.Errorf("kafka: config: HeartbeatInterval %v must be below SessionTimeout %v", c.HeartbeatInterval, c.SessionTimeout)
	}
	if _, err := compressionCodec(c.Compression); err != nil {
		return err
	}
	if err := validTopicPrefix(c.TopicPrefix); err != nil {
		return err
	}
	return nil
}

// maxTopicPrefix leaves room for the longest finx topic name within the 249
// characters that Kafka allows in a topic name.
const maxTopicPrefix = 200

func validTopicPrefix(prefix string) error {
	if len(prefix) > maxTopicPrefix {
		return fmt.Errorf("kafka: config: TopicPrefix has %d characters, want at most %d", len(prefix), maxTopicPrefix)
	}
	for _, r := range prefix {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return fmt.Errorf("kafka: config: invalid TopicPrefix %q: Kafka topic names allow only ASCII letters, digits, '.', '_' and '-'", prefix)
		}
	}
	return nil
}

// Topic returns the full name of a finx topic: TopicPrefix followed by name.
func (c Config) Topic(name string) string { return c.TopicPrefix + name }

// compressionCodec maps a codec name to kafka-go's value, where 0 means none.
func compressionCodec(name string) (kafkago.Compression, error) {
	switch name {
	case "none":
		return 0, nil
	case "gzip":
		return kafkago.Gzip, nil
	case "snappy":
		return kafkago.Snappy, nil
	case "lz4":
		return kafkago.Lz4, nil
	case "zstd":
		return kafkago.Zstd, nil
	}
	return 0, fmt.Errorf("kafka: config: unknown Compression %q, want none, gzip, snappy, lz4 or zstd", name)
}
