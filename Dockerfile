# Builds the finx binary for docker-compose.yml.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/finx ./cmd/finx

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/finx /usr/local/bin/finx
COPY fixtures /fixtures
ENTRYPOINT ["/usr/local/bin/finx"]
