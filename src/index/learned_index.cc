// The default instantiations, compiled once (see the extern templates in the header).

#include "index/learned_index.h"

namespace omen::index {

template class LearnedIndex<int64_t, 32, 4>;
template class LearnedIndex<uint64_t, 32, 4>;

}  // namespace omen::index
