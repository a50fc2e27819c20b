package dev.nodemedic.reporter;

/**
 * The seam between the {@link ConditionBook} and what carries its truth out: the book calls it under
 * its lock, once per change and in order, so a listener sees every version and never two at once.
 * The reporter's listener is {@link ExporterFanOut}; each {@link Exporter} is one.
 */
@FunctionalInterface
public interface BookListener {

    /** The book changed; {@code snapshot} is the whole current truth, {@code previous} what came before. */
    void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot);
}
