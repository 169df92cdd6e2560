package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	kafkago "github.com/segmentio/kafka-go"
)

// kafkaLoggers adapts slog to kafka-go's printf-style loggers: informational
// messages at debug level, errors at warn level, because kafka-go reports
// retried failures (a rebalance, a broken connection) through the error
// logger too. A nil logger gives nil interfaces, which kafka-go treats as
// silent.
func kafkaLoggers(logger *slog.Logger) (info, errs kafkago.Logger) {
	if logger == nil {
		return nil, nil
	}
	logger = logger.With("component", "kafka-go")
	return printfLogger(logger, slog.LevelDebug), printfLogger(logger, slog.LevelWarn)
}

// routineErrors are kafka-go error-log messages that describe a failure the
// reader retries at once by itself. A fetch times out when the broker responds
// more than 50 ms after the fetch's MaxWait (kafka-go's fixed round-trip
// allowance), which a busy machine or the embedded broker under load causes;
// a rebalance is normal while group members come and go. They log at info,
// not warn, so that warnings stay worth reading.
var routineErrors = []string{"i/o timeout", "Rebalance In Progress"}

func levelOf(level slog.Level, detail string) slog.Level {
	if level < slog.LevelWarn {
		return level
	}
	for _, s := range routineErrors {
		if strings.Contains(detail, s) {
			return slog.LevelInfo
		}
	}
	return level
}

func printfLogger(logger *slog.Logger, level slog.Level) kafkago.Logger {
	return kafkago.LoggerFunc(func(format string, args ...any) {
		ctx := context.Background()
		if !logger.Enabled(ctx, min(level, slog.LevelInfo)) {
			return
		}
		// kafka-go ends some messages with a newline.
		detail := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
		logger.Log(ctx, levelOf(level, detail), "kafka client", "detail", detail)
	})
}
