package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	kafkago "github.com/segmentio/kafka-go"
)

// ErrOffsetNotFound reports a message that FetchAt cannot read: its offset is
// below the partition's first offset (retention deleted it) or at or above
// the next offset to be written.
var ErrOffsetNotFound = errors.New("kafka: offset not found")

// Offsets are the bounds of one partition: First is the oldest offset still
// stored and Next the offset the next message will get, so the partition
// holds Next-First messages (fewer on a compacted topic).
type Offsets struct {
	Partition int
	First     int64
	Next      int64
}

// PartitionOffsets returns the bounds of every partition of a topic, by
// partition number. topic is the full name, TopicPrefix included.
func PartitionOffsets(ctx context.Context, cfg Config, topic string) ([]Offsets, error) {
	cfg = cfg.WithDefaults()
	transport := &kafkago.Transport{ClientID: cfg.ClientID, DialTimeout: cfg.DialTimeout}
	defer transport.CloseIdleConnections()
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Transport: transport, Timeout: cfg.IOTimeout}

	meta, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("kafka: metadata of %s: %w", topic, err)
	}
	var partitions []int
	for _, t := range meta.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return nil, fmt.Errorf("kafka: metadata of %s: %w", topic, t.Error)
		}
		for _, p := range t.Partitions {
			partitions = append(partitions, p.ID)
		}
	}
	if len(partitions) == 0 {
		return nil, fmt.Errorf("kafka: topic %s has no partitions: %w", topic, kafkago.UnknownTopicOrPartition)
	}
	slices.Sort(partitions)

	req := &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{}}
	for _, p := range partitions {
		req.Topics[topic] = append(req.Topics[topic], kafkago.FirstOffsetOf(p), kafkago.LastOffsetOf(p))
	}
	resp, err := client.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("kafka: list offsets of %s: %w", topic, err)
	}
	out := make([]Offsets, 0, len(partitions))
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("kafka: list offsets of %s/%d: %w", topic, po.Partition, po.Error)
		}
		out = append(out, Offsets{Partition: po.Partition, First: po.FirstOffset, Next: po.LastOffset})
	}
	slices.SortFunc(out, func(a, b Offsets) int { return a.Partition - b.Partition })
	return out, nil
}

// partitionReader returns a group-less reader of one partition, starting at
// offset (an offset, kafkago.FirstOffset or kafkago.LastOffset). topic is the
// full name. The caller must Close it.
func partitionReader(cfg Config, topic string, partition int, offset int64) (*kafkago.Reader, error) {
	info, errs := kafkaLoggers(cfg.Logger)
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers: cfg.Brokers,
		Topic:   topic,
		Dialer: &kafkago.Dialer{
			ClientID:  cfg.ClientID,
			Timeout:   cfg.DialTimeout,
			DualStack: true,
		},
		Partition:   partition,
		MinBytes:    1,
		MaxBytes:    cfg.MaxMessageBytes,
		MaxWait:     cfg.MaxWait,
		MaxAttempts: cfg.MaxAttempts,
		Logger:      info,
		ErrorLogger: errs,
	})
	if err := r.SetOffset(offset); err != nil {
		r.Close()
		return nil, fmt.Errorf("kafka: set offset %d of %s/%d: %w", offset, topic, partition, err)
	}
	return r, nil
}

// FetchAt reads the one message at topic/partition@offset without a
// consumer group. topic is the full name as a message or a dead letter gives
// it, TopicPrefix included. It returns an error wrapping ErrOffsetNotFound
// when the partition no longer or not yet holds the offset, or when the
// offset was compacted away.
func FetchAt(ctx context.Context, cfg Config, topic string, partition int, offset int64) (kafkago.Message, error) {
	cfg = cfg.WithDefaults()
	bounds, err := PartitionOffsets(ctx, cfg, topic)
	if err != nil {
		return kafkago.Message{}, err
	}
	i := slices.IndexFunc(bounds, func(o Offsets) bool { return o.Partition == partition })
	if i < 0 {
		return kafkago.Message{}, fmt.Errorf("%w: %s has no partition %d", ErrOffsetNotFound, topic, partition)
	}
	if b := bounds[i]; offset < b.First || offset >= b.Next {
		return kafkago.Message{}, fmt.Errorf("%w: %s/%d@%d is outside the stored range [%d, %d)", ErrOffsetNotFound, topic, partition, offset, b.First, b.Next)
	}
	r, err := partitionReader(cfg, topic, partition, offset)
	if err != nil {
		return kafkago.Message{}, err
	}
	defer r.Close()
	msg, err := r.ReadMessage(ctx)
	if err != nil {
		return kafkago.Message{}, fmt.Errorf("kafka: read %s/%d@%d: %w", topic, partition, offset, err)
	}
	if msg.Offset != offset {
		return kafkago.Message{}, fmt.Errorf("%w: %s/%d@%d was compacted away, the next message is at %d", ErrOffsetNotFound, topic, partition, offset, msg.Offset)
	}
	return msg, nil
}

// Scan calls fn with every message that cfg.Topic(topic) holds when Scan
// starts, partition by partition in offset order, without a consumer group
// and without committing. It returns fn's first error, or nil after the last
// message. Messages written after the start are not read.
func Scan(ctx context.Context, cfg Config, topic string, fn func(kafkago.Message) error) error {
	cfg = cfg.WithDefaults()
	full := cfg.Topic(topic)
	bounds, err := PartitionOffsets(ctx, cfg, full)
	if err != nil {
		return err
	}
	for _, b := range bounds {
		if b.Next <= b.First {
			continue
		}
		if err := scanPartition(ctx, cfg, full, b, fn); err != nil {
			return err
		}
	}
	return nil
}

func scanPartition(ctx context.Context, cfg Config, topic string, b Offsets, fn func(kafkago.Message) error) error {
	r, err := partitionReader(cfg, topic, b.Partition, b.First)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		msg, err := r.ReadMessage(ctx)
		if err != nil {
			return fmt.Errorf("kafka: scan %s/%d after offset %d: %w", topic, b.Partition, r.Offset(), err)
		}
		if err := fn(msg); err != nil {
			return err
		}
		if msg.Offset >= b.Next-1 {
			return nil
		}
	}
}

// Follow calls fn with each message of cfg.Topic(topic), without a consumer
// group, until ctx ends (Follow then returns nil) or fn or a read fails.
// Each partition is read from its start when fromBeginning is set, else from
// its end, so that only messages written after the start are seen. fn is
// called from one goroutine at a time, and messages of one partition arrive
// in offset order.
//
// NOTE: Follow reads the partitions the topic has when it starts; a
// partition added later is not read until Follow is called again.
func Follow(ctx context.Context, cfg Config, topic string, fromBeginning bool, fn func(kafkago.Message) error) error {
	cfg = cfg.WithDefaults()
	full := cfg.Topic(topic)
	bounds, err := PartitionOffsets(ctx, cfg, full)
	if err != nil {
		return err
	}
	start := kafkago.LastOffset
	if fromBeginning {
		start = kafkago.FirstOffset
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	msgs := make(chan kafkago.Message)
	readErr := make(chan error, len(bounds))
	var wg sync.WaitGroup
	for _, b := range bounds {
		r, err := partitionReader(cfg, full, b.Partition, start)
		if err != nil {
			cancel()
			wg.Wait()
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.Close()
			for {
				msg, err := r.ReadMessage(ctx)
				if err != nil {
					if ctx.Err() == nil {
						readErr <- fmt.Errorf("kafka: follow %s/%d: %w", full, b.Partition, err)
					}
					return
				}
				select {
				case msgs <- msg:
				case <-ctx.Done():
					return
				}
			}
		}()
	}

	var result error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-readErr:
			result = err
			break loop
		case msg := <-msgs:
			if err := fn(msg); err != nil {
				result = err
				break loop
			}
		}
	}
	cancel()
	wg.Wait()
	return result
}
