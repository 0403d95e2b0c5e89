package io.iptracking.admin.web;

import java.util.List;

/** One page of a listing: the items, where the page is, and how many items match in total. */
public record PageView<T>(List<T> items, int page, int size, long total) {
}
