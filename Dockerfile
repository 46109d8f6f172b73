# The runtime we ship is the one .ci/run tests: Node 24 (LTS), running the compiled JavaScript.

# Build: the whole toolchain (TypeScript), only to compile src/ to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Run: production dependencies, dist/ and the locales (found at ../../locales from dist/bot/).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY locales ./locales
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
STOPSIGNAL SIGTERM
# Exec form: node is PID 1 and receives SIGTERM itself (no npm or tsx in between) for the graceful shutdown.
# --max-semi-space-size=16: Node 20's cap on the young generation. Node 24 lets it grow to 64 MB
# semi-spaces during a large backup, which took its peak from +35 to +70 MB (docs/PERFORMANCE.md).
# npm run bench runs its cases with the flags given here.
CMD ["node", "--enable-source-maps", "--max-semi-space-size=16", "dist/main.js"]
