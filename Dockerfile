# One file, one target per service:
#   docker build --target gateway   -t tvbridge/gateway:0.1.0 .
#   docker build --target executor  -t tvbridge/executor:0.1.0 .
#   docker build --target simulator -t tvbridge/simulator:0.1.0 .
# Every image runs as uid 10001 on a read-only root filesystem; only /tmp (and the gateway's
# /app/data journal) need to be writable.
ARG PYTHON_IMAGE=python:3.11.9-slim-bookworm
ARG NODE_IMAGE=node:20.18.1-bookworm-slim

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
WORKDIR /app

# The gRPC stubs, generated from the .proto at build time (the copies in git are left out by
# .dockerignore), with the grpcio-tools version uv.lock pins.
FROM base AS stubs
ARG GRPCIO_TOOLS_VERSION=1.85.1
RUN pip install --no-cache-dir grpcio-tools==${GRPCIO_TOOLS_VERSION}
COPY proto ./proto
COPY tools/__init__.py tools/gen_proto.py ./tools/
RUN python -m tools.gen_proto --out /stubs

# The dashboard's Bootstrap, installed from npm exactly as package-lock.json pins it.
FROM ${NODE_IMAGE} AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM base AS build
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir uv==${UV_VERSION}
COPY pyproject.toml uv.lock README.md ./
# Dependencies first: this layer is reused until uv.lock changes.
RUN uv sync --frozen --no-dev --no-install-project
COPY common ./common
COPY gateway ./gateway
COPY executor ./executor
COPY simulator ./simulator
COPY proto ./proto
COPY --from=stubs /stubs/tvbridge/executor/v1/ ./proto/tvbridge/executor/v1/
COPY tools/build_assets.py ./tools/build_assets.py
COPY --from=assets /assets/node_modules ./node_modules
RUN python tools/build_assets.py --copy-only \
    && uv sync --frozen --no-dev --no-editable \
    && rm -rf node_modules

FROM base AS runtime
LABEL org.opencontainers.image.title="tvbridge" \
      org.opencontainers.image.description="TradingView alerts to BingX and Binance futures orders" \
      org.opencontainers.image.licenses="UNLICENSED"
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin tvbridge \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH
USER 10001:10001

FROM runtime AS gateway
ENV GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=5000
VOLUME ["/app/data"]
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('GATEWAY_PORT','5000'), timeout=2)"]
CMD ["python", "-m", "gateway"]

FROM runtime AS executor
ENV EXECUTOR_HOST=0.0.0.0 \
    EXECUTOR_METRICS_HOST=0.0.0.0
EXPOSE 50051 9101
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-m", "executor.healthcheck"]
CMD ["python", "-m", "executor"]

FROM runtime AS simulator
ENV SIMULATOR_HOST=0.0.0.0
EXPOSE 8900
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8900/openApi/swap/v2/server/time', timeout=2)"]
CMD ["python", "-m", "simulator"]
