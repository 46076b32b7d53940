# idp-server, the local Management API emulator, as a container:
#
#   docker build -t idp-server --build-arg VERSION=$(git describe --tags) .
#   docker run --rm -p 127.0.0.1:8080:8080 -v idp-data:/data idp-server
#
# A static binary (CGO_ENABLED=0) on distroless/static, run as the non-root
# user nonroot (65532). Inside the container it listens on 0.0.0.0:8080 (it
# must, to be reachable through a published port) and keeps its data in the
# /data volume (IDP_SERVER_LISTEN, IDP_SERVER_DATA_DIR; flags given to
# `docker run` win). Publish it with -p 127.0.0.1:8080:8080 as above, unless
# you mean other machines to reach it: a bare -p 8080:8080 publishes it on
# every interface of the host. Admin credentials: -e IDP_SERVER_CLIENT_ID=...
# -e IDP_SERVER_CLIENT_SECRET=..., else generated on the first start and
# printed. The image has no shell and no curl, so the health check is
# idp-server -healthcheck, which GETs /_idp/health on IDP_SERVER_LISTEN;
# with -tls, run it with --health-cmd '/idp-server -healthcheck -tls'.
#
# Base images are pinned by digest (image:tag@sha256:...); the tag is there
# for the reader, the digest is what is pulled. To refresh them, on a machine
# that reaches the registries, take the index digest (the "Digest:" line) of
#   docker buildx imagetools inspect golang:<version>
#   docker buildx imagetools inspect gcr.io/distroless/static:nonroot
# and replace tag and digest together below. There is no '# syntax=' line:
# BuildKit's built-in frontend reads this file, so no unpinned frontend image
# is pulled either.
#
# The Go that builds idp-server is GO_VERSION (Go 1.27.3, go.mod's toolchain
# line), fetched by the go command through the Go module proxy and checked
# against the Go checksum database (GOTOOLCHAIN). The golang image only
# bootstraps it: no digest of golang:1.27.3 could be verified when this was
# pinned, so GO_IMAGE is golang:1.27.2 by digest; switch it to
# golang:<GO_VERSION>@sha256:... when refreshing.

ARG GO_VERSION=1.27.3
ARG GO_IMAGE=golang:1.27.2@sha256:5bc7f572bbaa98885a3a1fd9c0aa76b59e3e14e8628bfc316bbfd0c701e4818c
ARG RUNTIME_IMAGE=gcr.io/distroless/static:nonroot@sha256:e2e927ec666bae08560abb3c55d0659eceabb657f56b6782ab500a9fc7f555e3

FROM ${GO_IMAGE} AS build
ARG GO_VERSION
# The image sets GOTOOLCHAIN=local; this makes its go fetch and run Go
# GO_VERSION instead, and fail if it cannot.
ENV GOTOOLCHAIN=go${GO_VERSION}
WORKDIR /src
COPY go.mod go.sum ./
RUN go version && go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/idp-server ./internal/cmd/idp-server \
 && mkdir -p /out/data

FROM ${RUNTIME_IMAGE}
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
