// Package kafkatest gives tests of finx stages a running Kafka-protocol
// broker and an in-memory blob store, so that they exercise the real kafka-go
// readers and writers without an external cluster.
//
//	cfg := kafkatest.Start(t) // embedded broker with every finx topic
//	w := kafka.NewWriter(cfg, kafka.TopicRaw)
//
// It imports the kafka connector and the standard testing package, and
// belongs in tests only.
package kafkatest
