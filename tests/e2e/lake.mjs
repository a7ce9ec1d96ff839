// Builds a small lake the way a user would, with medallion's own commands on
// generated data: orders and ticks into the embedded Kafka cluster, Bronze,
// Silver (with quarantine), Gold. `appendOrders` later adds live orders so
// the test can watch the dashboard's numbers move.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, run, start, waitFor } from './processes.mjs';

const HISTORY_DAYS = 6;

export class Lake {
  constructor(medallion, workDir) {
    this.medallion = medallion;
    this.workDir = workDir;
    this.root = path.join(workDir, 'lake');
    this.logs = path.join(workDir, 'logs');
    fs.mkdirSync(this.logs, { recursive: true });
    this.cluster = null;
    this.bootstrap = null;
    this.step = 0;
  }

  log(name) {
    this.step += 1;
    return path.join(this.logs, `${String(this.step).padStart(2, '0')}-${name}.log`);
  }

  cli(args, name, timeoutMs) {
    return run(this.medallion, ['--log-format', 'json', ...args], this.log(name), timeoutMs);
  }

  // The producer process hosts the embedded cluster; it keeps serving it
  // after the history so later producers and ingests can use it.
  async startCluster() {
    const addressFile = path.join(this.workDir, 'bootstrap');
    this.cluster = start(
      this.medallion,
      ['--log-format', 'json', 'produce', '--topic', 'orders', '--bootstrap', 'embedded', '--bootstrap-file', addressFile,
        '--partitions', '3', '--history-days', String(HISTORY_DAYS), '--seed', '11', '--daily-units', '1500',
        '--customers', '3000', '--products', '60', '--bad-fraction', '0.01', '--heavy-bad-every', '0',
        // The history fits the mock cluster's partitions; no need to pace it.
        '--max-lag', '100000000'],
      this.log('produce-orders-history'),
    );
    await waitFor('the embedded cluster', () => fs.existsSync(addressFile) && fs.readFileSync(addressFile, 'utf8').endsWith('\n'), { proc: this.cluster });
    this.bootstrap = fs.readFileSync(addressFile, 'utf8').trim();
    await waitFor('the order history', () => this.cluster.log().includes('done producing'), { proc: this.cluster, timeoutMs: 120000 });
  }

  async ingest(topic) {
    await this.cli(['ingest', '--topic', topic, '--bootstrap', this.bootstrap, '--lake', this.root, '--until-idle'], `ingest-${topic}`);
  }

  async silverAndGold() {
    const silver = path.join(this.root, 'silver', 'orders');
    await this.cli(['silver', '--entity', 'orders', '--bronze', path.join(this.root, 'bronze', 'orders'), '--silver', silver,
      '--suite', path.join(REPO, 'config', 'quality', 'orders_suite.yaml')], 'silver-orders');
    await this.cli(['gold', '--lake', this.root], 'gold');
  }

  async build() {
    await this.startCluster();
    await this.ingest('orders');
    // Ticks trade on weekdays only; a few days back always holds sessions.
    await this.cli(['produce', '--topic', 'ticks', '--bootstrap', this.bootstrap, '--history-days', '4', '--seed', '5'], 'produce-ticks');
    await this.ingest('ticks');
    await this.silverAndGold();
  }

  // New live orders through the whole path (Kafka -> Bronze -> Silver -> Gold).
  async appendOrders(seed) {
    await this.cli(['produce', '--topic', 'orders', '--bootstrap', this.bootstrap, '--rate', '400', '--duration', '2',
      '--seed', String(seed), '--customers', '3000', '--products', '60'], `produce-orders-live-${seed}`);
    await this.ingest('orders');
    await this.silverAndGold();
  }

  async close() {
    if (this.cluster) await this.cluster.stop();
  }
}
