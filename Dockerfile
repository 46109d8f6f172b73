FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY locales ./locales
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main.ts"]
