import { type ConsumerOptions, runConsumer } from "./consumers.ts";
import { type ProducerOptions, runProducer } from "./producers.ts";

/*
 * The entry of every producer and consumer process of the chaos suite:
 *   node chaos/child.ts producer '<ProducerOptions as JSON>'
 *   node chaos/child.ts consumer '<ConsumerOptions as JSON>'
 */
const [role, json] = process.argv.slice(2);
if (role === "producer") await runProducer(JSON.parse(json as string) as ProducerOptions);
else if (role === "consumer") await runConsumer(JSON.parse(json as string) as ConsumerOptions);
else throw new Error(`usage: node chaos/child.ts producer|consumer '<options as JSON>'`);
process.exit(0);
