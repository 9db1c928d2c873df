# One image, one target per service: `docker build --target gateway .`
FROM python:3.11.9-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
WORKDIR /app

# The dashboard's Bootstrap, installed from npm exactly as package-lock.json pins it.
FROM node:20.18.1-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM base AS build
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY common ./common
COPY gateway ./gateway
COPY tools/build_assets.py ./tools/build_assets.py
COPY --from=assets /assets/node_modules ./node_modules
RUN python tools/build_assets.py --copy-only && rm -rf node_modules
COPY executor ./executor
COPY simulator ./simulator
COPY proto ./proto
RUN uv sync --frozen --no-dev --no-editable

FROM base AS runtime
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tvbridge \
    && mkdir -p /app/data && chown tvbridge /app/data
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH
USER 10001

FROM runtime AS gateway
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["python", "-c", "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('GATEWAY_PORT','5000'), timeout=2)"]
CMD ["python", "-m", "gateway"]

FROM runtime AS executor
ENV EXECUTOR_HOST=0.0.0.0
EXPOSE 50051 9101
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["python", "-m", "executor.healthcheck"]
CMD ["python", "-m", "executor"]

FROM runtime AS simulator
ENV SIMULATOR_HOST=0.0.0.0
EXPOSE 8900
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8900/openApi/swap/v2/server/time', timeout=2)"]
CMD ["python", "-m", "simulator"]
