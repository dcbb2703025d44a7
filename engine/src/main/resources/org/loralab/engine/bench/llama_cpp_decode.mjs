// Times greedy batch-1 decoding of a GGUF model with llama.cpp (through node-llama-cpp's prebuilt binaries),
// for `loralab bench generate --llama-cpp DIR`. Prints one JSON line.
// usage: node llama_cpp_decode.mjs MODEL.gguf THREADS NEW_TOKENS PROMPT_IDS (comma-separated)
import {getLlama} from "node-llama-cpp";

const [modelPath, threadArg, newArg, promptArg] = process.argv.slice(2);
const threads = Number(threadArg);
const newTokens = Number(newArg);
const prompt = promptArg.split(",").map(Number);
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize: 1024, threads, batchSize: 512});

async function msPerStep(steps) {
    const sequence = context.getSequence();
    const tokens = [];
    let count = 0;
    let first = 0;
    let last = 0;
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
        count++;
        tokens.push(token);
        last = performance.now();
        if (count === 1) {
            first = last;
        }
        if (count >= steps) {
            break;
        }
    }
    sequence.dispose();
    return {ms: (last - first) / Math.max(1, count - 1), tokens};
}

await msPerStep(4); // warm-up
const r = await msPerStep(newTokens);
console.log(JSON.stringify({ms_per_step: r.ms, tokens: r.tokens, threads: context.currentThreads ?? threads}));
await context.dispose();
await model.dispose();
process.exit(0);
