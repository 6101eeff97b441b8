# syntax=docker/dockerfile:1
# Multi-stage build: the SPA (Node), the API (Rust), then a slim Debian runtime.

FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json frontend/.npmrc ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY openapi/ /src/openapi/
RUN npm run build

FROM rust:1-bookworm AS api
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev cmake clang \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY api/ api/
COPY migrations/ migrations/
COPY tests/ tests/
COPY openapi/ openapi/
RUN cargo build --release --locked -p api --bin ispbill

FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app ispbill
WORKDIR /app
COPY --from=api /src/target/release/ispbill /usr/local/bin/ispbill
COPY --from=spa /src/frontend/dist /app/static
ENV ISPBILL_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    STATIC_DIR=/app/static \
    LOG_FORMAT=json
USER ispbill
EXPOSE 8080
# Migrations run at startup. DATABASE_URL and JWT_SECRET must be provided.
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/ispbill", "--healthcheck"]
CMD ["/usr/local/bin/ispbill"]
