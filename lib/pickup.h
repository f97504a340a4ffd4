#ifndef RK_PICKUP_H
#define RK_PICKUP_H
#endif
