# Closer: Node 20 slim, non-root, data in a volume.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds its native addon when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
# The PostgreSQL benchmark starts its temporary cluster with the tests' own helper.
COPY test/support/postgres-cluster.ts ./test/support/postgres-cluster.ts
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
# HOST=0.0.0.0 so the port can be published; the playground is then off (PLAYGROUND=auto opens it only on
# loopback) and ALLOWED_HOSTS should name the hosts the gateways and your browser use (docker-compose.yml sets it).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PLAYGROUND=auto \
    PORT=3210 \
    DATA_DIR=/data \
    PLAYBOOKS_DIR=/app/playbooks
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY playbooks ./playbooks
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3210
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3210)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/cli/main.js", "serve"]
