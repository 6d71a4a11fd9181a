/**
 * The files a package is expected to carry: a LICENSE that matches package.json's license, a
 * CHANGELOG in Keep a Changelog form from 0.1.0 with the breaking changes named, and a version
 * policy in the README; all three ship in the npm tarball.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), "utf8");
const pkg = JSON.parse(read("package.json")) as { license: string; version: string; files: string[] };

describe("the files a package carries", () => {
    it("has a LICENSE whose text is the license package.json names", () => {
        expect(pkg.license).toBe("MIT");
        const license = read("LICENSE");
        expect(license.split("\n")[0]).toBe("MIT License");
        expect(license).toContain("Permission is hereby granted, free of charge, to any person obtaining a copy");
        expect(JSON.parse(read(path.join("policy", "package.json"))).license).toBe(pkg.license);
    });
    it("has a CHANGELOG in Keep a Changelog form: Unreleased first, then 0.1.0, with the breaking changes marked", () => {
        const changelog = read("CHANGELOG.md");
        expect(changelog).toContain("[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)");
        const versions = [...changelog.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]);
        expect(versions[0]).toBe("Unreleased");
        expect(versions[versions.length - 1]).toBe("0.1.0");
        expect(versions).toContain(pkg.version);
        for (const heading of [...changelog.matchAll(/^### (.+)$/gm)].map((m) => m[1])) expect(["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]).toContain(heading);
        expect(changelog).toMatch(/\*\*Breaking:\*\* component type tokens are now `iothub-404104-monitoring:index:<Name>`[\s\S]*alias/);
        expect(changelog).toMatch(/\*\*Breaking:\*\* the policy pack runs from `policy\/bin\/index\.js`/);
    });
    it("states its version policy in the README and ships LICENSE and CHANGELOG in the tarball", () => {
        expect(read("README.md")).toMatch(/## Versions\n\nThe package follows \[Semantic Versioning\]/);
        expect(pkg.files).toEqual(expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md", "bin/"]));
    });
});
