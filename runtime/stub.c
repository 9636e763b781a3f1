void __morestack(void){}
void __morestack_non_split(void){}
void __morestack_reserve(unsigned long n){(void)n;}
int __real_main(int,char**,char**);
int __wrap_main(int c,char**v,char**e){return __real_main(c,v,e);}
