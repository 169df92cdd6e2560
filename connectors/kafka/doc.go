// Package kafka connects finx stages to Kafka through segmentio/kafka-go. It
// owns the topic names, the configuration of readers and writers, topic
// creation, the envelope of filings on filings.raw, and an embedded broker
// for the demo and tests.
//
// Stages use the kafka-go types directly: NewReader returns a consumer group
// *kafkago.Reader and NewWriter a synchronous *kafkago.Writer, each
// configured from one Config:
//
//	cfg := kafka.Config{Brokers: []string{"127.0.0.1:9092"}}.WithDefaults()
//	if err := kafka.EnsureTopics(ctx, cfg); err != nil { ... }
//	w := kafka.NewWriter(cfg, kafka.TopicRaw)
//	r := kafka.NewReader(cfg, "extract", kafka.TopicRaw)
//
// # Delivery
//
// Writers wait for every in-sync replica to acknowledge (acks=all) and
// return each produce error to the caller. Readers commit synchronously and
// only when the caller calls CommitMessages, so a stage that commits after
// its downstream write gets at-least-once delivery: a message whose offset
// was not committed is delivered again after a restart or rebalance.
//
// # Topic prefix
//
// Config.TopicPrefix goes in front of every topic name that NewReader,
// NewWriter and EnsureTopics use, so several pipelines (or test runs) can
// share one cluster. Those functions, Scan and Follow take names without
// the prefix; FetchAt and PartitionOffsets take the full name that a message
// or a dead letter carries.
//
// # Reading without a group
//
// Scan reads what a topic holds when it starts, Follow reads new messages
// until its context ends, and FetchAt reads one message by position. None of
// them joins a consumer group or commits; finx dlq replay and finx alerts
// tail use them.
//
// # Filing envelope
//
// A filings.raw message has the DocID (lowercase hex SHA-256 of the content)
// as key, the schemas.Filing as JSON in the HeaderFiling header, and the
// content as value. Content larger than Config.InlineLimit goes to a
// content-addressed blob store instead, the value is empty and
// Filing.BlobRef is "sha256:<DocID>". DecodeFiling checks the key, the
// envelope schema, the SHA-256 and the size, and returns a *DecodeError with
// a Reason for the dead-letter record.
//
// # Embedded broker
//
// StartEmbedded runs franz-go's kfake, an in-memory Kafka-protocol broker, on
// 127.0.0.1. Only the broker is franz-go; every client is kafka-go.
//
// # Logs
//
// With Config.Logger set, kafka-go's messages are logged with
// component=kafka-go and the formatted text under key detail, its errors at
// warn level and the rest at debug level. The embedded broker logs with
// component=kfake.
//
// # Metrics
//
// NewMetrics registers a collector, and WatchReader and WatchWriter add
// clients to it. It exports counters by topic and client (reader or writer):
// finx_kafka_messages_total, finx_kafka_message_bytes_total and
// finx_kafka_errors_total. It also exports finx_kafka_writer_retries_total
// by topic, finx_kafka_reader_rebalances_total by topic and group, and the
// gauge finx_kafka_reader_lag_messages by topic and group. That gauge is
// kafka-go's lag of the partition fetched last, so for the lag of a group
// WatchReader also adds the reader's group to a query that runs on each
// scrape: finx_kafka_consumer_group_lag_messages by topic, partition and
// group is the high watermark minus the committed offset, and
// finx_kafka_consumer_group_lag_errors_total counts the scrapes whose query
// failed. Close closes the query's connections.
//
// # Imports
//
// kafka imports schemas and the Kafka libraries. It does not import the blob
// store or any other finx connector; BlobPutter and BlobGetter are declared
// here and satisfied by *blob.Store.
package kafka
