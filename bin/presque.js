#!/usr/bin/env node
// Runs the TypeScript sources directly: Node >= 22.18 strips types by itself.
import "../src/cli/main.ts";
