# syntax=docker/dockerfile:1
# Accord: the built server (node apps/api/dist/index.js) serving the built web app.
#   docker build -t accord .
#   docker run -p 3000:3000 -v accord-data:/data accord              # embedded PGlite in /data
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://… accord       # PostgreSQL
# test/integration/container-recipe.test.ts runs these stages' commands in a clean clone.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Production dependencies of the server only: npm ci wants every workspace's package.json.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/packages/access/package.json packages/access/
COPY --from=build /app/packages/collab/package.json packages/collab/
COPY --from=build /app/packages/engine/package.json packages/engine/
COPY --from=build /app/packages/ui/package.json packages/ui/
COPY --from=build /app/db/package.json db/
COPY --from=build /app/apps/api/package.json apps/api/
COPY --from=build /app/apps/web/package.json apps/web/
COPY --from=build /app/test/package.json test/
RUN npm ci --omit=dev --workspace @accord/api --no-audit --no-fund && npm cache clean --force
# The bundled server, CLI and simulation worker (migrations are compiled in) and the web app.
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/api/bin apps/api/bin
COPY --from=build /app/apps/web/dist apps/web/dist
RUN chmod +x apps/api/bin/accord.js && ln -s /app/apps/api/bin/accord.js /usr/local/bin/accord \
  && mkdir -p /data && chown node:node /data
ENV HOST=0.0.0.0 \
    PORT=3000 \
    ACCORD_DATA_DIR=/data \
    ACCORD_SEED=none \
    ACCORD_SHUTDOWN_GRACE_MS=25000 \
    LOG_LEVEL=info
# DATABASE_URL (optional): postgres://user:password@host:5432/db; unset, PGlite keeps its data in /data.
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "apps/api/dist/index.js"]
