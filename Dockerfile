# syntax=docker/dockerfile:1
#
# idp-server, the local Management API emulator, as a container:
#
#   docker build -t idp-server --build-arg VERSION=$(git describe --tags) .
#   docker run --rm -p 8080:8080 -v idp-data:/data idp-server
#
# A static binary (CGO_ENABLED=0) on distroless/static, run as the non-root
# user nonroot (65532). It listens on 0.0.0.0:8080 and keeps its data in the
# /data volume (IDP_SERVER_LISTEN, IDP_SERVER_DATA_DIR; flags given to
# `docker run` win). Admin credentials: -e IDP_SERVER_CLIENT_ID=...
# -e IDP_SERVER_CLIENT_SECRET=..., else generated on the first start and
# printed. The image has no shell and no curl, so the health check is
# idp-server -healthcheck, which GETs /_idp/health on IDP_SERVER_LISTEN;
# with -tls, run it with --health-cmd '/idp-server -healthcheck -tls'.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/idp-server ./internal/cmd/idp-server \
 && mkdir -p /out/data

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/idp-server /idp-server
# A named volume starts as a copy of this directory, owned by nonroot.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV IDP_SERVER_LISTEN=0.0.0.0:8080 \
    IDP_SERVER_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
  CMD ["/idp-server", "-healthcheck"]
ENTRYPOINT ["/idp-server"]
