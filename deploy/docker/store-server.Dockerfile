# StrataKV store-server: one storage adapter served over gRPC.
# Build from the repository root:  docker build -f deploy/docker/store-server.Dockerfile -t stratakv/store-server:local .
# The generated deploy/compose/*.yaml files build it this way.

# 1. Bundle the app with esbuild (tools/build.js): our libraries are inlined into one file, npm
#    packages stay external, so the runtime image needs node_modules but no sources.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY tools/build.js tools/
COPY libs libs
COPY apps apps
RUN node tools/build.js store-server

# 2. Runtime: production dependencies (native RocksDB binding, gRPC, wasmoon ...), the proto files
#    the gRPC services load at start (found by walking up from dist/apps/store-server), and the bundle.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY proto proto
COPY deploy/docker/healthcheck.js deploy/docker/healthcheck.js
COPY --from=build /app/dist/apps/store-server dist/apps/store-server
# A named volume mounted at /data starts with this directory's owner: the unprivileged node user.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 9100
ENTRYPOINT ["node", "dist/apps/store-server/main.js"]
