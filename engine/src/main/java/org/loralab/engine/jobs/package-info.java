/**
 * The five node jobs as the KNIME plugin sees them: each takes a node's parameter record
 * ({@code org.loralab.engine.params}) plus plain inputs (paths, strings, Arrow tables, a progress
 * listener) and returns results. The plugin depends on this package and {@code params} only; nothing
 * in the engine depends on this package (it sits on top: jobs → params → the engine's parts).
 */
package org.loralab.engine.jobs;
