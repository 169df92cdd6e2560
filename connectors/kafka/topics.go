package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// topicWaitTimeout bounds EnsureTopics when ctx has no deadline.
const topicWaitTimeout = 30 * time.Second

// topicPollInterval is the wait between metadata requests while EnsureTopics
// waits for new topics to have a leader on every partition.
const topicPollInterval = 50 * time.Millisecond

// EnsureTopics creates the topics that do not exist yet, with cfg.Partitions
// partitions, cfg.ReplicationFactor replicas and max.message.bytes set to
// cfg.MaxMessageBytes, and waits until the cluster metadata lists every
// topic with a leader for each partition. The request goes to the controller
// broker. A topic that already exists is kept as it is, whatever its
// partition count. With no topics, EnsureTopics ensures Topics(). Each name
// gets cfg.TopicPrefix in front.
//
// EnsureTopics gives up when ctx is done, or after 30 s when ctx has no
// deadline.
func EnsureTopics(ctx context.Context, cfg Config, topics ...string) error {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	if len(topics) == 0 {
		topics = Topics()
	}
	full := make([]string, len(topics))
	for i, t := range topics {
		full[i] = cfg.Topic(t)
	}
	topics = full
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, topicWaitTimeout)
		defer cancel()
	}

	transport := &kafkago.Transport{ClientID: cfg.ClientID, DialTimeout: cfg.DialTimeout}
	defer transport.CloseIdleConnections()
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Transport: transport, Timeout: cfg.IOTimeout}

	if err := createTopics(ctx, client, cfg, topics); err != nil {
		return err
	}
	return waitForTopics(ctx, client, topics)
}

func createTopics(ctx context.Context, client *kafkago.Client, cfg Config, topics []string) error {
	req := &kafkago.CreateTopicsRequest{}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafkago.TopicConfig{
			Topic:             t,
			NumPartitions:     cfg.Partitions,
			ReplicationFactor: cfg.ReplicationFactor,
			ConfigEntries: []kafkago.ConfigEntry{
				{ConfigName: "max.message.bytes", ConfigValue: strconv.Itoa(cfg.MaxMessageBytes)},
			},
		})
	}
	resp, err := client.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("kafka: create topics %v: %w", topics, err)
	}
	for _, t := range topics {
		err := resp.Errors[t]
		if err == nil || errors.Is(err, kafkago.TopicAlreadyExists) {
			continue
		}
		return fmt.Errorf("kafka: create topic %s (%d partitions, replication factor %d): %w",
			t, cfg.Partitions, cfg.ReplicationFactor, err)
	}
	return nil
}

// waitForTopics polls the metadata until every topic is listed with a leader
// for each partition, because a broker may return from CreateTopics before the
// new partitions accept writes.
func waitForTopics(ctx context.Context, client *kafkago.Client, topics []string) error {
	var pending []string
	for {
		resp, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: topics})
		if err == nil {
			pending = pendingTopics(resp, topics)
			if len(pending) == 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("kafka: wait for topics %v: %w (last metadata error: %v)", topics, ctx.Err(), err)
			}
			return fmt.Errorf("kafka: wait for topics: %w: %v not ready", ctx.Err(), pending)
		case <-time.After(topicPollInterval):
		}
	}
}

// pendingTopics returns the topics that are missing from the metadata, have
// an error, have no partitions or have a partition without a leader.
func pendingTopics(resp *kafkago.MetadataResponse, topics []string) []string {
	ready := make(map[string]bool, len(resp.Topics))
	for _, t := range resp.Topics {
		if t.Error != nil || len(t.Partitions) == 0 {
			continue
		}
		ok := true
		for _, p := range t.Partitions {
			if p.Error != nil || p.Leader.Host == "" {
				ok = false
				break
			}
		}
		ready[t.Name] = ok
	}
	var pending []string
	for _, t := range topics {
		if !ready[t] {
			pending = append(pending, t)
		}
	}
	slices.Sort(pending)
	return pending
}
