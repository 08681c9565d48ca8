# The mitmlab image: one image, every service of docker-compose.yml picks its
# command (genuine, proxy, client, run, serve). See docs/docker-compose.md.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:dashboard

FROM node:20-bookworm-slim
WORKDIR /app
ENV MITMLAB_DATA_DIR=/data
COPY --from=build /app /app
# The lab PKI (private keys 0600) and the SQLite store live in /data, owned by the unprivileged user.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/mitmlab.mjs"]
CMD ["list"]
