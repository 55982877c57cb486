#!/usr/bin/env node
import { main } from "../dist/orrery.js";

process.exitCode = await main(process.argv.slice(2));
