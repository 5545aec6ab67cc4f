/**
 * Read models fed from the Invoice event stream. Each read model is a package of its own (handler, view, query
 * and the port it writes through), runs in its own Axon processing group and can be rebuilt alone.
 */
package io.invoicestreams.projections;
