# syndex in a container: a static binary on a distroless base, run as a
# non-root user, the archive in the /data volume.
#
#   docker build --build-arg COMMIT=$(git rev-parse HEAD) \
#                --build-arg BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t syndex .
#   docker run --rm -v syndex-data:/data syndex crawl --seed https://example.org/
#   docker run --rm -v syndex-data:/data -p 8080:8080 syndex serve --addr 0.0.0.0:8080

ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG COMMIT=unknown
ARG BUILD_DATE=unknown
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.commit=${COMMIT} -X main.buildDate=${BUILD_DATE}" \
      -o /out/syndex ./cmd/syndex \
 && mkdir -p /out/data /out/man \
 && /out/syndex man /out/man

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/syndex /usr/local/bin/syndex
COPY --from=build /out/man /usr/local/share/man/man1
COPY --from=build --chown=65532:65532 /out/data /data
ENV SYNDEX_DATA=/data
WORKDIR /data
VOLUME /data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/syndex"]
CMD ["--help"]
