import { network } from "hardhat";
const t0 = performance.now();
const c = await network.create();
const t1 = performance.now();
await c.ethers.provider.getBlockNumber();
const t2 = performance.now();
console.log(`create ${(t1 - t0).toFixed(0)} ms, first call ${(t2 - t1).toFixed(0)} ms`);
await c.close();
