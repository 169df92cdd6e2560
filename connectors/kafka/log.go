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

func printfLogger(logger *slog.Logger, level slog.Level) kafkago.Logger {
	return kafkago.LoggerFunc(func(format string, args ...any) {
		ctx := context.Background()
		if !logger.Enabled(ctx, level) {
			return
		}
		// kafka-go ends some messages with a newline.
		detail := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
		logger.Log(ctx, level, "kafka client", "detail", detail)
	})
}
